#!/usr/bin/env node
/** The `iris` command: train | predict | serve. The work lives in src/cli/*; this is only the process edge. */
import { processIo } from './cli/io.js'
import { main } from './cli/main.js'

process.exitCode = await main(process.argv.slice(2), processIo)
