// The experiment's progress line: batches done, edits per second of this session, the ETA of the
// editing left, and the current stage; plain progress off a TTY stays at most one line per 30 s.
import assert from "node:assert/strict";
import { it } from "node:test";
import { describeExperimentProgress } from "../../src/cli/commands/experiment.js";
import type { ExperimentProgress } from "../../src/experiment/run.js";

const event = (over: Partial<ExperimentProgress>): ExperimentProgress => ({
  stage: "edit",
  batch: 3,
  batches: 6,
  edits: 30,
  totalEdits: 60,
  detail: "compute_z at layer 1 (12/30)",
  sessionEdits: 20,
  sessionSeconds: 10,
  ...over,
});

it("shows edits/s, the ETA of the editing left and the stage", () => {
  assert.equal(
    describeExperimentProgress(event({})),
    "2.00 edits/s · ETA 15 s (editing) · compute_z at layer 1 (12/30)",
  );
  assert.equal(
    describeExperimentProgress(event({ sessionEdits: 4, sessionSeconds: 720, edits: 10 })),
    "0.01 edits/s · ETA 2.5 h (editing) · compute_z at layer 1 (12/30)",
  );
  // Before the first batch of the session, and outside editing, no rate or ETA.
  assert.equal(
    describeExperimentProgress(event({ stage: "probes", sessionEdits: 0, detail: "probe sst2 (2/4)" })),
    "probes · probe sst2 (2/4)",
  );
});
