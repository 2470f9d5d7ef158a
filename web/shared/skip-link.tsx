import { useT } from './i18n';

/** The first thing a keyboard reaches: straight to the screen's content (`<main id="content">`). */
export function SkipLink() {
  const t = useT();
  return (
    <a className="skip-link" href="#content" onClick={(e) => (e.preventDefault(), document.getElementById('content')?.focus())}>
      {t('skipToContent')}
    </a>
  );
}
