// Field names the sandbox's endpoints expect (FinCode's sensitive field names).

/** Change PIN: the current PIN, the new one, and the new one again (sent as confirmation.transactionPin). */
export const PIN_FIELDS = {
  current: 'userPin',
  next: 'transactionPin',
  confirm: 'confirmation.transactionPin',
} as const

/** Create API token: the cashier's password, encrypted. */
export const CASHIER_PASSWORD_FIELD = 'currentPassword'
