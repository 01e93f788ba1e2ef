// The browser half of the benchmark: bundled by esbuild (bench/chromium.mjs)
// with the libraries as a browser app would bundle them.
import * as jose from 'jose'
import JSEncrypt from 'jsencrypt'
import forge from 'node-forge'
import * as fincode from '../dist/index.js'
import { javaDefault } from '../dist/java-default.js'
import { benchJavaDefault } from './java-default.mjs'
import { runSuite } from './suite.mjs'

const libs = { fincode, jose, forge, JSEncrypt, javaDefault, benchJavaDefault }

window.runBench = (keys, options) => runSuite(libs, keys, { ...options, log: (line) => console.log(`chromium: ${line}`) })
