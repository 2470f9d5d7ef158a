import { ContractForm } from './contract-form';
import { useT } from './i18n';
import { useMenu } from './menu';
import { useSession } from './session';

export function RegisterScreen() {
  const t = useT();
  const { can, roles } = useSession();
  const menu = useMenu(roles);
  return (
    <section aria-labelledby="register-title">
      <h1 id="register-title">{t('registerTitle')}</h1>
      {can.register ? <ContractForm detailPath={(no) => `/contracts/${no}`} drillAllowed={menu?.drillAllowed === true} /> : <p>{t('readOnly')}</p>}
    </section>
  );
}
