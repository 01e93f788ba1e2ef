// fincode-secure/dom in Chromium (puppeteer-core over CDP). The suite: browser-suite.ts.
import { browserAvailable, CHROMIUM, missingFile } from '../helpers/browsers.js'
import { defineDomBrowserSuite } from './browser-suite.js'
import { launchPuppeteer } from './drivers.js'

defineDomBrowserSuite('Chromium', browserAvailable('Chromium', missingFile(CHROMIUM, 'chromium')), () => launchPuppeteer('chrome'))
