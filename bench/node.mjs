// The Node half of the benchmark, run by bench/run.mjs in a process of its own
// (so that nothing else — Playwright, esbuild — shares its heap or its JIT).
// Reads {keys, options} as JSON on stdin, writes the results as JSON to the file given as argv[2].
import { constants, createPublicKey, publicEncrypt } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import * as jose from 'jose'
import forge from 'node-forge'
import * as fincode from '../dist/index.js'
import { javaDefault } from '../dist/java-default.js'
import { benchJavaDefault } from './java-default.mjs'
import { runSuite } from './suite.mjs'

// jsencrypt's ES build imports its own files without extensions, which Node's
// ESM loader refuses; its UMD build loads through require and runs without a window.
const JSEncrypt = createRequire(import.meta.url)('jsencrypt')

const { keys, options } = JSON.parse(readFileSync(0, 'utf8'))
const libs = { fincode, jose, forge, JSEncrypt, javaDefault, benchJavaDefault, node: { constants, createPublicKey, publicEncrypt } }
const results = await runSuite(libs, keys, { ...options, log: (line) => console.error(`  node: ${line}`) })
writeFileSync(process.argv[2], JSON.stringify({ runtime: { name: 'Node', version: process.version }, ...results }))
