import { useMemo, useState, type FormEvent } from 'react';
import { api, ApiError } from './api';
import { useT, type MessageKey } from './i18n';
import { Link } from './router';
import { SagaProgress, useSagaEvents, type SagaView } from './saga-progress';

export const FIELDS: { name: string; label: MessageKey }[] = [
  { name: 'contr', label: 'contractor' },
  { name: 'payr', label: 'payer' },
  { name: 'svcNo', label: 'serviceNo' },
  { name: 'cardNo', label: 'cardNo' },
  { name: 'saler', label: 'seller' },
];

type Answer = { globalNo: string; state?: string; saPponContNo?: number };

/** Remembers the sagas this browser started, for the saga monitor. */
export function rememberSaga(globalNo: string): void {
  const list = JSON.parse(localStorage.getItem('sagas') ?? '[]') as string[];
  localStorage.setItem('sagas', JSON.stringify([globalNo, ...list.filter((g) => g !== globalNo)].slice(0, 20)));
}

/**
 * Register (no `contractNo`) or modify a contract: per-field errors from the problem+json, the API
 * or event mode, and the saga's progress — followed live over SSE in event mode, read from the
 * saga log once the API-mode call has answered.
 */
export function ContractForm({ contractNo, initial = {}, detailPath }: { contractNo?: number; initial?: Record<string, string>; detailPath(no: number): string }) {
  const t = useT();
  const [values, setValues] = useState<Record<string, string>>(() => Object.fromEntries(FIELDS.map((f) => [f.name, initial[f.name] ?? ''])));
  const [mode, setMode] = useState<'api' | 'event'>('api');
  const [drill, setDrill] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [followed, setFollowed] = useState<{ globalNo: string; initial?: Partial<SagaView> } | null>(null);
  const idempotencyKey = useMemo(() => crypto.randomUUID(), [followed]);
  const saga = useSagaEvents(followed?.globalNo ?? null, followed?.initial);

  /** A finished API-mode saga: its steps from the log, shown as already done. */
  const showFinished = async (answer: Answer, reason?: string) => {
    const log = await api<{ state: string; steps: SagaView['steps']; message?: string | null; saPponContNo?: number }>(`/api/sagas/${encodeURIComponent(answer.globalNo)}`).catch(() => null);
    setFollowed({ globalNo: answer.globalNo, initial: { state: log?.state ?? answer.state ?? 'END', steps: log?.steps ?? [], reason: reason ?? log?.message ?? null, saPponContNo: answer.saPponContNo ?? log?.saPponContNo ?? contractNo, done: true } });
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setFormError(null);
    setFollowed(null);
    setBusy(true);
    const contract = contractNo ? Object.fromEntries(Object.entries(values).filter(([k, v]) => v !== (initial[k] ?? ''))) : values;
    try {
      const answer = await api<Answer & { accepted?: boolean }>(contractNo ? `/api/contracts/${contractNo}` : '/api/contracts', {
        method: contractNo ? 'PUT' : 'POST',
        headers: { 'idempotency-key': idempotencyKey },
        body: { contract, mode, ...(drill ? { drill: 'compensate' } : {}) },
      });
      rememberSaga(answer.globalNo);
      if (answer.accepted) setFollowed({ globalNo: answer.globalNo, initial: { saPponContNo: contractNo } });
      else await showFinished(answer);
    } catch (err) {
      if (err instanceof ApiError && err.problem.code === 'SAGA_FAILED' && err.problem.globalNo) {
        rememberSaga(String(err.problem.globalNo));
        await showFinished({ globalNo: String(err.problem.globalNo), state: String(err.problem.state), saPponContNo: err.problem.saPponContNo as number }, err.problem.detail);
      } else if (err instanceof ApiError && err.problem.errors) {
        setErrors(err.fieldErrors());
        setFormError(t('fixErrors'));
      } else {
        setFormError(err instanceof Error ? err.message : t('error'));
      }
    } finally {
      setBusy(false);
    }
  };

  const resultNo = saga?.saPponContNo ?? contractNo;
  return (
    <>
      <form onSubmit={submit} noValidate className="contract-form">
        {FIELDS.map((f) => (
          <div className="field" key={f.name}>
            <label htmlFor={`f-${f.name}`}>{t(f.label)}</label>
            <input
              id={`f-${f.name}`}
              name={f.name}
              value={values[f.name]}
              onChange={(e) => setValues({ ...values, [f.name]: e.target.value })}
              aria-invalid={Boolean(errors[f.name])}
              aria-describedby={errors[f.name] ? `e-${f.name}` : undefined}
            />
            {errors[f.name] && (
              <span className="field-error" id={`e-${f.name}`} role="alert">
                {errors[f.name]}
              </span>
            )}
          </div>
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
        <label className="drill">
          <input type="checkbox" name="drill" checked={drill} onChange={(e) => setDrill(e.target.checked)} /> {t('drill')}
        </label>
        {formError && (
          <p className="form-error" role="alert">
            {formError}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {contractNo ? t('modify') : t('register')}
        </button>
      </form>
      {saga && <SagaProgress view={saga} />}
      {saga?.done && resultNo ? (
        <p>
          <Link to={detailPath(resultNo)} className="button">
            {t('detail', { no: resultNo })}
          </Link>
        </p>
      ) : null}
    </>
  );
}
