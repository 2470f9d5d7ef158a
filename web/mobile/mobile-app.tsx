import { AppRoot } from '../shared/app-root';
import { FilesScreen } from '../shared/files-screen';
import { useT } from '../shared/i18n';
import { Landing } from '../shared/landing';
import { match, navigate, usePath } from '../shared/router';
import { SettingsScreen } from '../shared/settings';
import { SessionsScreen } from '../shared/sessions-screen';
import { MobileShell } from './mobile-shell';
import { CardsScreen } from './screens/cards-screen';
import { DetailScreen } from './screens/detail-screen';
import { EditScreen } from './screens/edit-screen';
import { HomeScreen } from './screens/home-screen';
import { SagasScreen } from './screens/sagas-screen';
import { RegisterScreen } from '../shared/register-screen';

/** The phone app's screens by path (one file each under ./screens). */
function Screen() {
  const path = usePath();
  const t = useT();
  if (path === '/signed-out') {
    navigate('/', true);
    return null;
  }
  if (path === '/') return <HomeScreen />;
  if (path === '/contracts') return <CardsScreen />;
  if (path === '/contracts/new') return <RegisterScreen />;
  let m = match('/contracts/:no/edit', path);
  if (m) return <EditScreen no={Number(m.no)} />;
  m = match('/contracts/:no', path);
  if (m) return <DetailScreen no={Number(m.no)} />;
  if (path === '/sagas') return <SagasScreen />;
  if (path === '/files') return <FilesScreen camera />;
  if (path === '/settings') return <SettingsScreen />;
  if (path === '/sessions') return <SessionsScreen />;
  return <p>{t('notFound')}</p>;
}

export function MobileApp() {
  return (
    <AppRoot landing={(signedOut) => <Landing title="appMobile" signedOut={signedOut} returnTo="/" />}>
      {(user, refresh) => (
        <MobileShell user={user} refresh={refresh}>
          <Screen />
        </MobileShell>
      )}
    </AppRoot>
  );
}
