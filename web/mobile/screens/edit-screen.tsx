import { ContractForm } from '../../shared/contract-form';
import { useT } from '../../shared/i18n';
import { useMenu } from '../../shared/menu';
import { useSession } from '../../shared/session';
import { useCanModify, useCard } from '../mobile-contract';

/** The modify form with the contract's current values (card numbers as the BFF gives them: masked). */
export function EditScreen({ no }: { no: number }) {
  const t = useT();
  const { roles } = useSession();
  const menu = useMenu(roles);
  const { card, error, reload } = useCard(no);
  const canModify = useCanModify(card);
  if (error) return <p className="error" role="alert">{error}</p>;
  if (!card) return <p>{t('loading')}</p>;
  const initial = { contr: card.contractor ?? '', payr: card.payer ?? '', svcNo: card.serviceNumber ?? '', cardNo: card.cardNo ?? '', saler: card.seller ?? '' };
  return (
    <section aria-labelledby="edit-title">
      <h1 id="edit-title">{t('modifyTitle', { no })}</h1>
      {canModify ? <ContractForm contractNo={no} initial={initial} onSaved={reload} detailPath={(n) => `/contracts/${n}`} drillAllowed={menu?.drillAllowed === true} /> : <p>{t('readOnly')}</p>}
    </section>
  );
}
