import { useState, type FormEvent } from 'react';
import { searchFromUrl, searchQuery } from '../../shared/contract-search';
import { useT } from '../../shared/i18n';
import { navigate } from '../../shared/router';

type Field = 'contr' | 'svcNo' | 'cardNo';

/** Search by any part of a contractor's name or of a service or card number; it keeps its text after searching (the URL holds it). */
export function QuickSearch() {
  const t = useT();
  const inUrl = location.pathname === '/contracts' ? searchFromUrl() : {};
  const initial = (['contr', 'svcNo', 'cardNo'] as Field[]).find((f) => inUrl[f]) ?? 'contr';
  const [field, setField] = useState<Field>(initial);
  const [text, setText] = useState(inUrl[initial] ?? '');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) navigate(`/contracts?${searchQuery({ [field]: text.trim() })}`);
  };
  return (
    <form role="search" className="search" onSubmit={submit}>
      <label htmlFor="home-q" className="visually-hidden">
        {t('search')}
      </label>
      <select aria-label={t('searchIn')} value={field} onChange={(e) => setField(e.target.value as Field)}>
        <option value="contr">{t('field.contr')}</option>
        <option value="svcNo">{t('field.svcNo')}</option>
        <option value="cardNo">{t('field.cardNo')}</option>
      </select>
      <input id="home-q" type="search" inputMode={field === 'contr' ? 'text' : 'numeric'} maxLength={200} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('searchHint')} />
      <button type="submit">{t('search')}</button>
    </form>
  );
}
