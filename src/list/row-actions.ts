/**
 * The action forms a list row may carry (Run again, Cancel): plain data the http layer fills in
 * from the host's `actions` (src/actions/), for users who may act. The list itself knows no action.
 */

/** A form of one button: where it posts, what it says. */
export interface ActionButtonView {
  action: string;
  label: string;
  /** The button's full name, where the label alone is ambiguous (a list row); else null. */
  name: string | null;
}

/** The hidden fields every action form carries. */
export interface ActionFormFields {
  token: string;
  /** The list's query, carried to the run's page and from there back to the list. */
  back: string;
}

/** The rows' forms: their fields, and each row's buttons by its run's id. */
export interface RowActionsView {
  form: ActionFormFields;
  buttons: Map<string, ActionButtonView[]>;
}

/**
 * The list's forms of bulk actions: on every run its filters keep (`buttons`: each posts the list's
 * query to its confirmation), and on the runs ticked in its rows (`selected`: one form the rows'
 * tick boxes belong to, a button per action).
 */
export interface BulkButtonsView {
  token: string;
  query: string;
  buttons: { action: string; label: string }[];
  selected: { action: string; label: string }[];
}
