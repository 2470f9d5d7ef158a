/**
 * What an agent typed into a contract form, kept while the browser goes through sign-in after the
 * session ended at the press of Register or Change, so the form comes back filled.
 *
 * In sessionStorage: this tab only, gone when the tab closes, never sent to a server. The card
 * number is never kept, not even here: storage is readable by any script of the origin and may be
 * written to disk by the browser, and a card number must not rest anywhere in clear
 * (docs/contracts.md, "Card numbers": masked whenever it leaves a service). The agent types it again, and the
 * screen says so.
 */
export interface FormDraft {
  values: Record<string, string>;
  /** The agent had typed a card number, which was left out. */
  cardLeftOut: boolean;
}

const KEPT_OUT = 'cardNo';
const keyOf = (form: string) => `contract-bff:draft:${form}`;

export const formDraft = {
  /** Keeps the values (all but the card number) before a submission that may find the session over. */
  save(form: string, values: Record<string, string>, savedCard: string): void {
    const { [KEPT_OUT]: card = '', ...kept } = values;
    const draft: FormDraft = { values: kept, cardLeftOut: card !== '' && card !== savedCard };
    try {
      sessionStorage.setItem(keyOf(form), JSON.stringify(draft));
    } catch {
      /* storage full or off: the form is simply not kept */
    }
  },
  /** The draft kept for this form, if any (unreadable ones are none). */
  read(form: string): FormDraft | null {
    try {
      const draft = JSON.parse(sessionStorage.getItem(keyOf(form)) ?? 'null') as FormDraft | null;
      return draft && typeof draft.values === 'object' ? draft : null;
    } catch {
      return null;
    }
  },
  clear(form: string): void {
    try {
      sessionStorage.removeItem(keyOf(form));
    } catch {
      /* nothing kept */
    }
  },
};
