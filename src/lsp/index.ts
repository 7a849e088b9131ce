export { startServer } from "./server.js";
export { analyze, type Analysis } from "./analysis.js";
