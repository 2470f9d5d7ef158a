import type { Kysely, Migration } from 'kysely';
import { maskCard, maskCardsIn } from '../../lib/contracts/mask-card';
import type { AnyDb } from '../platform/db/create-database';

/** Rows written before the view held card numbers masked: masked in place (the column and each source's JSON row). */
export const maskViewCards: Migration = {
  up: async (db: Kysely<AnyDb>) => {
    const rows = (await db.selectFrom('SA_CONTRACT_VIEW').select(['SA_PPON_CONT_NO', 'CARD_NO', 'PPON_ROW', 'INETAPLCA_ROW', 'INTELNET_ROW']).execute()) as Record<string, unknown>[];
    const json = (v: unknown) => (typeof v === 'string' && v ? JSON.stringify(maskCardsIn(JSON.parse(v) as Record<string, unknown>)) : v);
    for (const r of rows) {
      await db
        .updateTable('SA_CONTRACT_VIEW')
        .set({ CARD_NO: maskCard(String((r.CARD_NO as string | null | undefined) ?? '')), PPON_ROW: json(r.PPON_ROW), INETAPLCA_ROW: json(r.INETAPLCA_ROW), INTELNET_ROW: json(r.INTELNET_ROW) })
        .where('SA_PPON_CONT_NO', '=', r.SA_PPON_CONT_NO as number)
        .execute();
    }
  },
};
