// Where Editor.save may write (issue 14): never onto the folder the model was loaded from or a
// folder holding it, never onto an existing folder unless asked (`overwrite`), and even then only
// onto a folder an earlier save wrote (it has edit-log.json) whose every entry is one a save
// writes — so a replace deletes nothing of the user's.
import { existsSync, readdirSync, realpathSync, statSync } from "node:fs";
import { basename, dirname, isAbsolute, join, relative, resolve } from "node:path";
import { TOKENIZER_FILES } from "../../models/save.js";

export const EDIT_LOG_FILE = "edit-log.json";
/** Subfolders of the model's folder that a save carries into the edited folder. */
export const CARRIED_FOLDERS = ["hparams"];

const CHECKPOINT_FILE =
  /^(model\.safetensors|model-\d{5}-of-\d{5}\.safetensors|model\.safetensors\.index\.json|config\.json)$/;

/** The real path of `path`, resolving symbolic links of the part that exists. */
function realPath(path: string): string {
  const absolute = resolve(path);
  if (existsSync(absolute)) return realpathSync(absolute);
  const parent = dirname(absolute);
  return parent === absolute ? absolute : join(realPath(parent), basename(absolute));
}

function written(name: string, isDirectory: boolean): boolean {
  if (isDirectory) return CARRIED_FOLDERS.includes(name);
  return CHECKPOINT_FILE.test(name) || name === EDIT_LOG_FILE || TOKENIZER_FILES.includes(name);
}

/** Entries of `dir` that a save does not write. */
function foreignEntries(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !written(entry.name, entry.isDirectory()))
    .map((entry) => entry.name)
    .sort();
}

/** Throws, naming `outDir` and the reason, when saving there could destroy files. */
export function checkSaveTarget(outDir: string, modelDir: string, overwrite: boolean): void {
  const fromTarget = relative(realPath(outDir), realPath(modelDir));
  if (fromTarget === "")
    throw new Error(
      `${outDir}: is the folder the model was loaded from; save the edited model to a new folder`,
    );
  if (!fromTarget.startsWith("..") && !isAbsolute(fromTarget))
    throw new Error(
      `${outDir}: holds the folder the model was loaded from (${modelDir}); save to a new folder`,
    );
  if (!existsSync(outDir)) return;
  if (!overwrite)
    throw new Error(
      `${outDir}: already exists; save to a new folder, or pass { overwrite: true } to replace a folder an earlier save wrote`,
    );
  if (!statSync(outDir).isDirectory())
    throw new Error(`${outDir}: is a file, not a folder; nothing was replaced`);
  const foreign = foreignEntries(outDir);
  if (foreign.length > 0)
    throw new Error(
      `${outDir}: holds files locedit did not write (${foreign.slice(0, 5).join(", ")}` +
        `${foreign.length > 5 ? `, and ${foreign.length - 5} more` : ""}); nothing was replaced`,
    );
  if (!existsSync(join(outDir, EDIT_LOG_FILE)))
    throw new Error(
      `${outDir}: was not written by Editor.save (it has no ${EDIT_LOG_FILE}); nothing was replaced`,
    );
}
