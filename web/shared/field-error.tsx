import { useT } from './i18n';
import { fieldErrorText } from './problem-text';

/** The attributes that mark an input as refused and point at its message (`<FieldError id=…>`). */
export const invalidProps = (id: string, code: string | undefined) => ({ 'aria-invalid': Boolean(code), 'aria-describedby': code ? `e-${id}` : undefined });

/** What a refused input expects, under it (the input's `id` names it; `field` the request field whose words to use). */
export function FieldError({ id, code, field }: { id: string; code: string | undefined; field: string }) {
  const t = useT();
  if (!code) return null;
  return (
    <span className="field-error" id={`e-${id}`} data-code={code}>
      {fieldErrorText(t, code, field)}
    </span>
  );
}
