import { ContractForm } from '../shared/contract-form';
import { useT } from '../shared/i18n';
import { useSession } from '../shared/session';

export function RegisterScreen() {
  const t = useT();
  const { can } = useSession();
  return (
    <section aria-labelledby="register-title">
      <h1 id="register-title">{t('registerTitle')}</h1>
      {can.register ? <ContractForm detailPath={(no) => `/contracts/${no}`} /> : <p>{t('readOnly')}</p>}
    </section>
  );
}
