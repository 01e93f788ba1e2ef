// fincode-secure/dom in Firefox ESR (puppeteer-core over WebDriver BiDi). The suite: browser-suite.ts.
import { browserAvailable, FIREFOX_ESR, missingFile } from '../helpers/browsers.js'
import { defineDomBrowserSuite } from './browser-suite.js'
import { launchPuppeteer } from './drivers.js'

defineDomBrowserSuite('Firefox ESR', browserAvailable('Firefox ESR', missingFile(FIREFOX_ESR, 'firefox-esr')), () => launchPuppeteer('firefox'))
