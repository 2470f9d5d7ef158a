import { signIn } from './api';
import { useT, type MessageKey } from './i18n';

/** The signed-out page of either app: its title, "You have signed out" after a logout, Sign in. */
export function Landing({ title, signedOut, returnTo }: { title: MessageKey; signedOut: boolean; returnTo: string }) {
  const t = useT();
  return (
    <main className="landing">
      <h1>{t(title)}</h1>
      {signedOut && (
        <p role="status" className="signed-out">
          {t('signedOut')}
        </p>
      )}
      <p>{t('welcome')}</p>
      <button type="button" className="primary big" onClick={() => signIn(returnTo)}>
        {t('signIn')}
      </button>
    </main>
  );
}
