#!/usr/bin/env node
import './memory-settings.js';
import { main } from './cli.js';

// Libraries that print with console.log must not corrupt the protocol stream on stdout.
console.log = console.info = console.debug = (...parts: unknown[]) => console.error(...parts);

process.exitCode = await main(process.argv.slice(2));
