// Public surface of src/linalg: SPD and general solves, Cholesky, symmetric eigendecomposition, SVD and
// AlphaEdit's null-space projector, all over the native LAPACK addon.
export { cholesky, choleskySolve, solveSpd } from "./cholesky.js";
export { solveGeneral, type SolveGeneralOptions } from "./solve-general.js";
export { eigh, type Eigh } from "./eigh.js";
export { svd, type Svd } from "./svd.js";
export { nullSpaceBasis, nullSpaceProjector } from "./nullspace.js";
export type { SymmetricOptions } from "./checks.js";
