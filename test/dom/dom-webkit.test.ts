// fincode-secure/dom in WebKitGTK (MiniBrowser under Xvfb, W3C WebDriver). The suite: browser-suite.ts.
import { browserAvailable } from '../helpers/browsers.js'
import { webkitMissing } from '../helpers/webkit-webdriver.js'
import { defineDomBrowserSuite } from './browser-suite.js'
import { launchWebKitDriver } from './drivers.js'

defineDomBrowserSuite('WebKitGTK', browserAvailable('WebKitGTK', webkitMissing()), launchWebKitDriver)
