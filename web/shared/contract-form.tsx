import { useEffect, useRef, useState, type FormEvent, type InputHTMLAttributes } from 'react';
import { api, ApiError } from './api';
import { checkContract, REQUIRED_ON_REGISTER } from './contract-rules';
import { useT, type MessageKey } from './i18n';
import { fieldErrorText, problemText } from './problem-text';
import { Link } from './router';
import { SagaProgress, useSagaEvents, type SagaView } from './saga-progress';
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

type Answer = { globalNo: string; state?: string; saPponContNo?: number };
const blank = (initial: Record<string, string>) => Object.fromEntries(FIELDS.map((f) => [f.name, initial[f.name] ?? '']));

/**
 * Register (no `contractNo`) or modify a contract. One Idempotency-Key per form: a second press,
 * a retry or a double click never starts a second saga. The rules are checked here first
 * (web/shared/contract-rules.ts) and the services' per-field codes shown at the fields, translated.
 * A registration that ends well clears the form (a new key) and shows the new contract's link.
 */
export function ContractForm({ contractNo, initial = {}, detailPath, drillAllowed = false }: { contractNo?: number; initial?: Record<string, string>; detailPath: (no: number) => string; drillAllowed?: boolean }) {
  const t = useT();
  const register = !contractNo;
  const [values, setValues] = useState<Record<string, string>>(() => blank(initial));
  const [mode, setMode] = useState<'api' | 'event'>('api');
  const [drill, setDrill] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [idempotencyKey, setIdempotencyKey] = useState(() => crypto.randomUUID());
  const [followed, setFollowed] = useState<{ globalNo: string; initial?: Partial<SagaView> } | null>(null);
  const saga = useSagaEvents(followed?.globalNo ?? null, followed?.initial);
  const result = useRef<HTMLDivElement>(null);
  // A second press in the same tick sees the state from before the first: the ref is immediate.
  const pending = useRef(false);
  const kind = register ? 'reg' : 'amd';

  /** A finished API-mode saga: its steps from the log, shown as already done. */
  const showFinished = async (answer: Answer, reasonCode?: string) => {
    const log = await api<{ state: string; steps: SagaView['steps']; saPponContNo?: number; reasonCode?: string }>(`/api/sagas/${encodeURIComponent(answer.globalNo)}`).catch(() => null);
    setFollowed({ globalNo: answer.globalNo, initial: { kind, state: log?.state ?? answer.state ?? 'END', steps: log?.steps ?? [], reasonCode: reasonCode ?? log?.reasonCode ?? null, saPponContNo: answer.saPponContNo ?? log?.saPponContNo ?? contractNo, done: true } });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (pending.current) return;
    const contract = register ? values : Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== (initial[k] ?? '')));
    const local = checkContract(contract, register);
    setErrors(local);
    setFormError(Object.keys(local).length ? t('fixErrors') : null);
    if (Object.keys(local).length) {
      document.getElementById(`f-${Object.keys(local)[0]}`)?.focus();
      return;
    }
    setFollowed(null);
    pending.current = true;
    setBusy(true);
    const drillCode = drill && drillAllowed ? 'DRILL_FAILURE' : undefined;
    try {
      const answer = await api<Answer & { accepted?: boolean }>(register ? '/api/contracts' : `/api/contracts/${contractNo}`, {
        method: register ? 'POST' : 'PUT',
        headers: { 'idempotency-key': idempotencyKey },
        body: { contract, mode, ...(drillCode ? { drill: 'compensate' } : {}) },
      });
      if (answer.accepted) setFollowed({ globalNo: answer.globalNo, initial: { kind, saPponContNo: contractNo, reasonCode: drillCode } });
      else await showFinished(answer, drillCode);
      // The next registration is another form: empty, with its own key.
      if (register) setValues(blank({}));
      setIdempotencyKey(crypto.randomUUID());
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === 'SAGA_FAILED' && err.problem.globalNo) {
        const globalNo = textOf(err.problem.globalNo);
        await showFinished({ globalNo, state: String(err.problem.state), saPponContNo: err.problem.saPponContNo as number }, drillCode ?? (err.problem.reasonCode as string | undefined));
        setIdempotencyKey(crypto.randomUUID());
      } else if (err instanceof ApiError && err.problem.errors?.length) {
        const fields = err.fieldErrors();
        setErrors(fields);
        setFormError(t('fixErrors'));
        // Corrected values are another request: another key.
        setIdempotencyKey(crypto.randomUUID());
        document.getElementById(`f-${Object.keys(fields)[0]}`)?.focus();
      } else {
        setFormError(problemText(t, err));
      }
    } finally {
      pending.current = false;
      setBusy(false);
    }
  };

  const resultNo = saga?.saPponContNo ?? contractNo;
  const succeeded = saga?.done && saga.state === 'END' && resultNo;
  useEffect(() => {
    if (saga?.done) result.current?.scrollIntoView({ block: 'start' });
    if (succeeded) result.current?.querySelector<HTMLElement>('a')?.focus();
  }, [saga?.done, succeeded]);

  return (
    <>
      <form onSubmit={(e) => void submit(e)} noValidate className="contract-form" aria-busy={busy}>
        {FIELDS.map((f, i) => {
          const required = register && (REQUIRED_ON_REGISTER as readonly string[]).includes(f.name);
          return (
            <div className="field" key={f.name}>
              <label htmlFor={`f-${f.name}`}>
                {t(f.label)}
                {required && <span aria-hidden="true"> *</span>}
              </label>
              <input
                id={`f-${f.name}`}
                name={f.name}
                {...f.keyboard}
                autoFocus={i === 0}
                required={required}
                value={values[f.name]}
                onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
                aria-invalid={Boolean(errors[f.name])}
                aria-describedby={errors[f.name] ? `e-${f.name}` : undefined}
              />
              {errors[f.name] && (
                <span className="field-error" id={`e-${f.name}`} data-code={errors[f.name]}>
                  {fieldErrorText(t, errors[f.name])}
                </span>
              )}
            </div>
          );
        })}
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
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('submitting') : register ? t('register') : t('modify')}
        </button>
      </form>
      <div ref={result} className="form-result">
        {saga && <SagaProgress view={saga} />}
        {succeeded ? (
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
