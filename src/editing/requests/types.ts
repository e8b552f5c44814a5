// An edit request: rewrite what `prompt` (with "{}" where the subject goes, or the subject written
// out) says about `subject` to `targetNew`. CounterFact records and a flat form both parse to this.

export interface EditRequest {
  /** template with one "{}" for the subject, e.g. "{} was born in" */
  prompt: string;
  subject: string;
  /** the new object, with a leading space as the model should read it (" Paris") */
  targetNew: string;
  /** the current object, when known (metrics and logs) */
  targetTrue?: string;
  /** CounterFact case id or the index in the request file */
  id?: string | number;
}
