// Example: fincode-secure/dom in a Vue 3 component that sends with fetch (docs/dom.md).
import { defineComponent, onBeforeUnmount, onMounted, ref, type PropType } from 'vue'
import { encryptForm, type EncryptedForm, type EncryptedValues } from '../../../src/dom/index.js'

export const VueTransfer = defineComponent({
  props: {
    publicKey: { type: String as PropType<string | null>, default: null },
    send: { type: Function as PropType<(body: EncryptedValues & { amount: string }) => Promise<unknown>>, required: true },
  },
  setup(props) {
    const form = ref<HTMLFormElement>()
    const amount = ref('1200')
    const sent = ref(false)
    let handle: EncryptedForm | undefined
    onMounted(() => {
      handle = encryptForm(form.value!, { publicKey: props.publicKey, fields: { transactionPin: { required: 'Enter your PIN.' } } })
    })
    onBeforeUnmount(() => handle?.destroy())
    // The inputs are emptied once send() resolved; a refusal is shown at the field and send() is not called.
    async function submit() {
      const outcome = await handle!.submit((ciphertexts) => props.send({ amount: amount.value, ...ciphertexts }))
      sent.value = outcome.ok
    }
    return { form, amount, sent, submit }
  },
  template: `
    <form ref="form" @submit.prevent="submit">
      <input v-model="amount" aria-label="Amount" />
      <label>PIN <input data-fincode-field="transactionPin" type="password" inputmode="numeric" aria-describedby="pin-error" /></label>
      <p id="pin-error" data-fincode-error role="alert"></p>
      <button type="submit">Send</button>
      <p v-if="sent" role="status">Sent.</p>
    </form>`,
})
