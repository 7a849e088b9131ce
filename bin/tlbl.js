#!/usr/bin/env node
// The bundled command line (npm run build): one module to load, so it starts fast.
import { main } from "../dist/tlbl.mjs";

process.exitCode = await main(process.argv);
