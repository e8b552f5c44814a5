// Public surface of locedit's I/O layer: safetensors files and checkpoint folders (read and
// write) and atomic file / folder publication.

export {
  publishDirectoryAtomic,
  publishDirectoryAtomicSync,
  withAtomicFile,
  writeFileAtomic,
} from "./atomic.js";
export { openCheckpoint, INDEX_FILE_NAME, SINGLE_FILE_NAME, type Checkpoint } from "./checkpoint.js";
export { writeCheckpoint, type WriteCheckpointOptions } from "./checkpoint-write.js";
export type { SafetensorsDtype, WritableDtype } from "./dtypes.js";
export { requireTensor } from "./require-tensor.js";
export {
  openSafetensors,
  type SafetensorsFile,
  type TensorInfo,
  type TensorSource,
} from "./safetensors-read.js";
export { writeSafetensors, type TensorToWrite, type TensorsToWrite } from "./safetensors-write.js";
