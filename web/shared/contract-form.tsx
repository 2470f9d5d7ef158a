import { useEffect, useRef, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { api, ApiError, isSessionEnded, keepBeforeSignIn } from './api';
import { checkContract, REQUIRED_ON_REGISTER } from './contract-rules';
import { formDraft, type FormDraft } from './form-draft';
import { useT, type MessageKey } from './i18n';
import { fieldErrorText, problemText } from './problem-text';
import { Link } from './router';
import { isOutcome, SagaProgress, useSagaEvents, type SagaView } from './saga-progress';
import { textOf } from './text-of';

type Keyboard = Pick<InputHTMLAttributes<HTMLInputElement>, 'type' | 'inputMode' | 'autoComplete'>;

/** The fields an agent fills in, with their label and the keyboard a phone should open for them. */
export const FIELDS: { name: string; label: MessageKey; keyboard: Keyboard }[] = [
  { name: 'contr', label: 'field.contr', keyboard: { type: 'text', autoComplete: 'off' } },
  { name: 'payr', label: 'field.payr', keyboard: { type: 'text', autoComplete: 'off' } },
  { name: 'svcNo', label: 'field.svcNo', keyboard: { type: 'tel', inputMode: 'tel', autoComplete: 'off' } },
  { name: 'cardNo', label: 'field.cardNo', keyboard: { type: 'text', inputMode: 'numeric', autoComplete: 'off' } },
  { name: 'saler', label: 'field.saler', keyboard: { type: 'text', autoComplete: 'off' } },
];

type Values = Record<string, string>;
type Answer = { globalNo: string; state?: string; saPponContNo?: number };
const blank = (initial: Values) => Object.fromEntries(FIELDS.map((f) => [f.name, initial[f.name] ?? '']));
/** The fields that differ from the contract as saved (a modify sends only these). */
const changedFrom = (saved: Values, values: Values) => Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== (saved[k] ?? '')));

/**
 * The saga a submission started, as the form follows it: live over SSE until it has an outcome. A
 * saga whose outcome is not known yet (accepted; MS1 still undoing; the request timed out) is
 * followed live, never shown as ended.
 */
function useSubmittedSaga(kind: 'reg' | 'amd', contractNo?: number) {
  const [followed, setFollowed] = useState<{ globalNo: string; initial?: Partial<SagaView> } | null>(null);
  const saga = useSagaEvents(followed?.globalNo ?? null, followed?.initial);
  const follow = (globalNo: string, known: Partial<SagaView> = {}) => setFollowed({ globalNo, initial: { kind, saPponContNo: contractNo, ...known } });
  /** A saga MS1 answered for: its steps from the log; followed on while it has no outcome. */
  const answered = async (answer: Answer, reasonCode?: string) => {
    const log = await api<{ state: string; steps: SagaView['steps']; saPponContNo?: number; reasonCode?: string }>(`/api/sagas/${encodeURIComponent(answer.globalNo)}`).catch(() => null);
    const state = log?.state ?? answer.state ?? 'END';
    // Followed on, the stream sends every step from the first: none given here, or they would show twice.
    follow(answer.globalNo, { state, steps: isOutcome(state) ? (log?.steps ?? []) : [], reasonCode: reasonCode ?? log?.reasonCode ?? null, saPponContNo: answer.saPponContNo ?? log?.saPponContNo ?? contractNo, done: isOutcome(state), stillRunning: !isOutcome(state) });
  };
  return { saga, follow, answered, clear: () => setFollowed(null) };
}

/** What the form says above its button: a refusal (an alert) or a plain note. */
type Said = { text: string; alert: boolean } | null;

/** The draft brought back after sign-in, in words: nothing was sent, and the card if it must be typed again. */
function DraftRestored({ draft, register }: { draft: FormDraft; register: boolean }) {
  const t = useT();
  return (
    <p className="draft-restored" role="alert">
      {t(register ? 'draftRestored.reg' : 'draftRestored.amd')}
      {draft.cardLeftOut && ` ${t('draftCardAgain')}`}
    </p>
  );
}

/** One labelled input with its translated field error. */
function Field({ field, value, error, required, first, onChange }: { field: (typeof FIELDS)[number]; value: string; error?: string; required: boolean; first: boolean; onChange: (value: string) => void }) {
  const t = useT();
  return (
    <div className="field">
      <label htmlFor={`f-${field.name}`}>
        {t(field.label)}
        {required && <span aria-hidden="true"> *</span>}
      </label>
      <input
        id={`f-${field.name}`}
        name={field.name}
        {...field.keyboard}
        autoFocus={first}
        required={required}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={Boolean(error)}
        aria-describedby={error ? `e-${field.name}` : undefined}
      />
      {error && (
        <span className="field-error" id={`e-${field.name}`} data-code={error}>
          {fieldErrorText(t, error)}
        </span>
      )}
    </div>
  );
}

/**
 * Register (no `contractNo`) or modify a contract. One Idempotency-Key per form until a saga
 * starts: a second press, a retry or a double click never starts a second saga, and the button
 * stays off while the saga runs. The rules are checked here first (web/shared/contract-rules.ts) and the services'
 * per-field codes shown at the fields, translated. The input stays until the saga ends well (a
 * rollback is retried without retyping); a registration that ends well clears the form and shows
 * the new contract's link. A modify sends what differs from the contract as saved (`initial`;
 * `onSaved` asks the screen to read it again after a change), and nothing when nothing differs.
 * A session found over at the press, or ending while the agent types, keeps the input
 * (web/shared/form-draft.ts) for after sign-in.
 */
export function ContractForm({ contractNo, initial = {}, detailPath, drillAllowed = false, onSaved }: { contractNo?: number; initial?: Values; detailPath: (no: number) => string; drillAllowed?: boolean; onSaved?: () => void }) {
  const t = useT();
  const register = !contractNo;
  const kind = register ? 'reg' : 'amd';
  const draftName = register ? 'register' : `modify-${contractNo}`;
  const [draft] = useState(() => formDraft.read(draftName));
  const [values, setValues] = useState<Values>(() => ({ ...blank(initial), ...draft?.values }));
  // The contract as saved, and the values the screen last read (a new reading after a change replaces the form's).
  const [saved, setSaved] = useState(() => blank(initial));
  const [read, setRead] = useState(() => JSON.stringify(blank(initial)));
  const [mode, setMode] = useState<'api' | 'event'>('api');
  const [drill, setDrill] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [said, setSaid] = useState<Said>(null);
  const [restored, setRestored] = useState(draft);
  const [busy, setBusy] = useState(false);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [sent, setSent] = useState<{ globalNo?: string; contract: Values } | null>(null);
  const { saga, follow, answered, clear } = useSubmittedSaga(kind, contractNo);
  const result = useRef<HTMLDivElement>(null);
  // A second press in the same tick sees the state from before the first: the ref is immediate.
  const pending = useRef(false);

  useEffect(() => {
    formDraft.clear(draftName);
  }, [draftName]);
  // The session may end while the agent types (the session clock, another tab's sign-out): what was
  // typed and not sent is kept for the way back, like a press that finds the session over.
  useEffect(
    () =>
      keepBeforeSignIn(() => {
        if (Object.keys(changedFrom(saved, values)).length > 0) formDraft.save(draftName, values, saved.cardNo ?? '');
      }),
    [draftName, saved, values],
  );

  const fresh = JSON.stringify(blank(initial));
  if (fresh !== read) {
    setRead(fresh);
    setSaved(blank(initial));
    setValues(blank(initial));
  }
  const running = Boolean(saga && !saga.done);
  const resultNo = saga?.saPponContNo ?? contractNo;
  const succeeded = Boolean(saga?.done && saga.state === 'END' && resultNo);
  // The saga just ended well: a registration's form is another one (empty); a change is saved.
  if (succeeded && saga && sent && sent.globalNo === saga.globalNo) {
    setSent(null);
    if (register) setValues(blank({}));
    else setSaved({ ...saved, ...sent.contract });
  }
  useEffect(() => {
    if (succeeded && !register) onSaved?.();
  }, [succeeded, register, onSaved]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending.current || running) return;
    const contract = register ? values : changedFrom(saved, values);
    const local = checkContract(contract, register);
    setErrors(local);
    setRestored(null);
    if (!register && !Object.keys(local).length && !Object.keys(contract).length) {
      setSaid({ text: t('nothingToChange'), alert: false });
      return;
    }
    setSaid(Object.keys(local).length ? { text: t('fixErrors'), alert: true } : null);
    if (Object.keys(local).length) {
      document.getElementById(`f-${Object.keys(local)[0]}`)?.focus();
      return;
    }
    clear();
    pending.current = true;
    setBusy(true);
    const drillCode = drill && drillAllowed ? 'DRILL_FAILURE' : undefined;
    setDrill(false);
    formDraft.save(draftName, values, saved.cardNo ?? '');
    let failure: unknown = null;
    try {
      const answer = await api<Answer & { accepted?: boolean }>(register ? '/api/contracts' : `/api/contracts/${contractNo}`, {
        method: register ? 'POST' : 'PUT',
        headers: { 'idempotency-key': idempotencyKey },
        body: { contract, mode, ...(drillCode ? { drill: 'compensate' } : {}) },
      });
      setSent({ globalNo: answer.globalNo, contract });
      setIdempotencyKey(crypto.randomUUID());
      if (answer.accepted) follow(answer.globalNo, { reasonCode: drillCode });
      else await answered(answer, drillCode);
    } catch (err) {
      failure = err;
      // A saga started (or corrected values): the next press is another request, with another key.
      if (err instanceof ApiError && (err.problem.globalNo || err.problem.errors?.length)) setIdempotencyKey(crypto.randomUUID());
      const globalNo = err instanceof ApiError && err.problem.globalNo ? textOf(err.problem.globalNo) : null;
      if (err instanceof ApiError && err.problem.code === 'SAGA_FAILED' && globalNo) {
        await answered({ globalNo, state: String(err.problem.state), saPponContNo: err.problem.saPponContNo as number }, drillCode ?? (err.problem.reasonCode as string | undefined));
      } else if (err instanceof ApiError && err.problem.code === 'UPSTREAM_TIMEOUT' && globalNo) {
        // MS1 did not answer in time: the saga may run yet. Followed, and ended well it counts.
        setSent({ globalNo, contract });
        follow(globalNo, { stillRunning: true });
      } else if (err instanceof ApiError && err.problem.errors?.length) {
        const fields = err.fieldErrors();
        setErrors(fields);
        setSaid({ text: t('fixErrors'), alert: true });
        document.getElementById(`f-${Object.keys(fields)[0]}`)?.focus();
      } else if (!isSessionEnded(err)) {
        setSaid({ text: problemText(t, err), alert: true });
      }
    } finally {
      // The session was over: the browser goes to sign in, and the draft waits for the way back.
      if (!isSessionEnded(failure)) formDraft.clear(draftName);
      pending.current = false;
      setBusy(false);
    }
  };

  useEffect(() => {
    if (saga?.done) result.current?.scrollIntoView({ block: 'start' });
    if (succeeded) result.current?.querySelector<HTMLElement>('a')?.focus();
  }, [saga?.done, succeeded]);

  return (
    <>
      {restored && <DraftRestored draft={restored} register={register} />}
      <form onSubmit={(e) => void submit(e)} noValidate className="contract-form" aria-busy={busy || running}>
        {FIELDS.map((f, i) => (
          <Field key={f.name} field={f} value={values[f.name]} error={errors[f.name]} required={register && (REQUIRED_ON_REGISTER as readonly string[]).includes(f.name)} first={i === 0} onChange={(v) => setValues({ ...values, [f.name]: v })} />
        ))}
        <fieldset className="mode">
          <legend>{t('mode')}</legend>
          <label>
            <input type="radio" name="mode" value="api" checked={mode === 'api'} onChange={() => setMode('api')} /> {t('modeApi')}
          </label>
          <label>
            <input type="radio" name="mode" value="event" checked={mode === 'event'} onChange={() => setMode('event')} /> {t('modeEvent')}
          </label>
        </fieldset>
        {drillAllowed && (
          <label className="drill">
            <input type="checkbox" name="drill" checked={drill} onChange={(e) => setDrill(e.target.checked)} /> {t('drill')}
          </label>
        )}
        {said && (
          <p className={said.alert ? 'form-error' : 'form-note'} role={said.alert ? 'alert' : 'status'}>
            {said.text}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || running}>
          {busy ? t('submitting') : register ? t('register') : t('modify')}
        </button>
      </form>
      <div ref={result} className="form-result">
        {saga && <SagaProgress view={saga} linked />}
        {succeeded && resultNo ? (
          <p className="success" role="status" data-contract={resultNo}>
            {t(register ? 'registeredNew' : 'modifiedDone', { no: resultNo })}{' '}
            <Link to={detailPath(resultNo)} className="button">
              {t('openContract', { no: resultNo })}
            </Link>
          </p>
        ) : saga?.done && resultNo ? (
          <p>
            <Link to={detailPath(resultNo)} className="button">
              {t('openContract', { no: resultNo })}
            </Link>
          </p>
        ) : null}
      </div>
    </>
  );
}
