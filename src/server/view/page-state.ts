/** What the address of the search page asks for (validated by pageParams). */
import type { MatchMode, SortOrder } from '../../search/types.js';

export interface PageState {
  q?: string;
  page: number;
  mode: MatchMode;
  /** A source to show only; '' (NO_SOURCE): documents without one. */
  source?: string;
  from?: string;
  to?: string;
  sort: SortOrder;
  /** Fold near-duplicates (the page's default). */
  collapse: boolean;
  /** Answer for a corrected query when a word matches nothing (the default); false asks for the words as typed. */
  correct: boolean;
}

/** The state of the home page. */
export const HOME_STATE: PageState = { page: 1, mode: 'any', sort: 'relevance', collapse: true, correct: true };
