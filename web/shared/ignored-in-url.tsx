import { useT } from './i18n';
import type { SearchKey } from './contract-search';
import { fieldLabel } from './problem-text';

/** Says which parameters of the address were not valid and were left out of the search (none: nothing shown). */
export function IgnoredInUrl({ keys }: { keys: SearchKey[] }) {
  const t = useT();
  if (!keys.length) return null;
  const names = [...new Set(keys.map((k) => fieldLabel(t, k) ?? k))].join(', ');
  return (
    <p className="note" role="note" data-ignored={keys.join(' ')}>
      {t('ignoredInUrl', { names })}
    </p>
  );
}
