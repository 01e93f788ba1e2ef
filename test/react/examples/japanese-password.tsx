// Example: a password field with text input mode, a password manager's autocomplete, and Japanese messages (docs/react.md).
import { useEncryptedField, type FormMessages } from '../../../src/react/index.js'

export const japaneseMessages: FormMessages = {
  required: 'パスワードを入力してください。',
  notAccepted: 'この値は使用できません。',
  keyMissing: '暗号化キーを読み込み中です。しばらくしてから再度お試しください。',
}

export function PasswordForm({ publicKey, onSave }: { publicKey: string | null; onSave: (values: Record<string, string>) => unknown }) {
  const password = useEncryptedField({
    publicKey,
    name: 'password',
    required: true,
    inputMode: 'text',
    autoComplete: 'current-password',
    messages: japaneseMessages,
    validate: (value) => (value.length >= 8 ? null : '8文字以上で入力してください。'),
  })
  return (
    <form onSubmit={password.handleSubmit(onSave)}>
      <label>
        パスワード <input {...password.inputProps} />
      </label>
      {password.error && <p role="alert">{password.validationMessage ?? 'エラーが発生しました。'}</p>}
      <button type="submit">ログイン</button>
    </form>
  )
}
