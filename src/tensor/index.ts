// Public surface of src/tensor: the Tensor type, constructors, products and elementwise ops.
export * from "./tensor.js";
export * from "./matmul.js";
export * from "./elementwise.js";
export * from "./compare.js";
export * from "./reduce.js";
export * from "./adamw-step.js";
