// Example: the script of a plain HTML form that posts natively (docs/dom.md), loaded as
// <script type="module" src="/pay.js">. The page renders the organisation key into <body data-public-key>.
import { encryptForm } from '../../../src/dom/index.js'

encryptForm(document.querySelector('form')!, {
  publicKey: document.body.dataset.publicKey,
  fields: {
    transactionPin: { required: 'Enter your PIN.', validate: (value) => (/^\d{4,8}$/.test(value) ? null : 'Use 4 to 8 digits.') },
  },
})
