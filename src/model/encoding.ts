// The encodings moved to the primitives stage; this re-export keeps older imports working.
export * from "../primitives/encoding.js";
