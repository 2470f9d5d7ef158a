import type { StepReply } from '../transport/participant-client';
import type { Participant, RemoteParticipant, SagaFacts, SagaWorkflow, WorkflowStep } from '../workflows/saga-workflow';

/** The participant client's FALLBACK for a refused connection: the request never reached the participant. */
const neverDelivered = (reply: Pick<StepReply, 'outcome' | 'message'>) => reply.outcome === 'FALLBACK' && reply.message === 'connection refused';

const COLUMNS = { saInetaplcaContNo: 'SA_INETAPLCA_CONT_NO', saIntelnetContNo: 'SA_INTELNET_CONT_NO' } as const;

/**
 * How both engines read a workflow: which step comes next, and which compensations a failure
 * calls for. The rule, the same over HTTP and over the bus: a step that answered "Y", or that got
 * no answer (it may still commit later), is compensated; one that answered "N" wrote nothing.
 * Compensations run in reverse order, MS1's own undo last.
 */
export function sagaCourse(workflow: SagaWorkflow) {
  const { steps } = workflow;
  const stepOf = (participant: RemoteParticipant): WorkflowStep => {
    const step = steps.find((s) => s.participant === participant);
    if (!step) throw new Error(`the ${workflow.kind} saga has no ${participant} step`);
    return step;
  };
  const undoUpTo = (count: number): Participant[] => steps.slice(0, count).map((s): Participant => s.participant).reverse().concat('ppon');
  return {
    first: steps[0],
    stepOf,
    /** The step after `participant`'s, or undefined when the saga is done. */
    after: (participant: RemoteParticipant): WorkflowStep | undefined => steps[steps.indexOf(stepOf(participant)) + 1],
    /** The compensations from `participant`'s back to the first step, then MS1's own undo. */
    undoFrom: (participant: RemoteParticipant): Participant[] => undoUpTo(steps.indexOf(stepOf(participant)) + 1),
    /** After `participant`'s step failed with `reply`: what to undo, in order. */
    undoAfter: (participant: RemoteParticipant, reply: Pick<StepReply, 'outcome' | 'message'>): Participant[] => {
      const applied = reply.outcome === 'Y' || (reply.outcome === 'FALLBACK' && !neverDelivered(reply));
      return undoUpTo(steps.indexOf(stepOf(participant)) + (applied ? 1 : 0));
    },
    /** Every step, when nothing is known of how far the saga got (MS1 died mid-saga). */
    fullUndo: (): Participant[] => undoUpTo(steps.length),
    /** The contract number `step` answered, as MS1 keeps it (column and facts); throws if it is missing. */
    remembered: (step: WorkflowStep, answer: Record<string, unknown>, facts: SagaFacts): { column: string; no: number } | undefined => {
      if (!step.remember) return undefined;
      const no = answer[step.remember];
      if (typeof no !== 'number' || !Number.isInteger(no) || no <= 0) throw new Error(`the ${step.participant} answer has no ${step.remember}`);
      facts[step.remember] = no;
      return { column: COLUMNS[step.remember], no };
    },
  };
}
export type SagaCourse = ReturnType<typeof sagaCourse>;
