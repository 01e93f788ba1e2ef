// Searches everything React keeps for a rendered tree (hook states and update
// queues, props, class/plain state nodes, effect deps, both the current and the
// alternate fiber) for a string, through data properties and getters alike.
// DOM nodes are not searched: the visible input is the one place the plaintext
// is allowed to be.
import { holdsSecret } from '../helpers/secret-search.js'

interface Fiber {
  child: Fiber | null
  sibling: Fiber | null
  alternate: Fiber | null
  memoizedState: unknown
  memoizedProps: unknown
  pendingProps: unknown
  updateQueue: unknown
  dependencies: unknown
  stateNode: unknown
  tag: number
}

const HOST_ROOT = 3

function rootFiber(container: Element): Fiber {
  const key = Object.keys(container).find((k) => k.startsWith('__reactContainer$'))
  if (!key) throw new Error('container has no React root: render into it first')
  return (container as unknown as Record<string, Fiber>)[key]!
}

const isDomNode = (value: object) => typeof (value as { nodeType?: unknown }).nodeType === 'number'
const isFiber = (value: object) => 'stateNode' in value && 'return' in value && 'memoizedProps' in value

function read(get: () => unknown, self: object): unknown {
  try {
    return get.call(self)
  } catch {
    return undefined
  }
}

/** Paths (e.g. `fiber[12].memoizedState.queue.lastRenderedState`) at which a string containing `needle` was found. */
export function findInFiberTree(container: Element, needle: string): string[] {
  const found: string[] = []
  const seen = new Set<object>()
  let fibersVisited = 0

  const scan = (value: unknown, path: string, depth: number): void => {
    if (typeof value === 'string') {
      if (holdsSecret(value, needle)) found.push(path)
      return
    }
    if (typeof value !== 'object' || value === null || depth > 14 || seen.has(value)) return
    seen.add(value)
    if (isDomNode(value) || isFiber(value)) return // fibers are walked below; DOM nodes may hold the input's value
    if (value instanceof Map || value instanceof Set) {
      let i = 0
      for (const entry of value) scan(entry, `${path}<${i++}>`, depth + 1)
      return
    }
    for (const name of Object.getOwnPropertyNames(value)) {
      const descriptor = Object.getOwnPropertyDescriptor(value, name)!
      // Hook lists and update queues are linked through `next`: follow them to the end.
      if ('value' in descriptor) scan(descriptor.value, `${path}.${name}`, name === 'next' ? depth : depth + 1)
      // Libraries keep state behind getters too (react-hook-form's control exposes _formValues that way).
      else if (descriptor.get) scan(read(descriptor.get, value), `${path}.${name}`, depth + 1)
    }
  }

  const visit = (fiber: Fiber, label: string) => {
    scan(fiber.memoizedState, `${label}.memoizedState`, 0)
    scan(fiber.memoizedProps, `${label}.memoizedProps`, 0)
    scan(fiber.pendingProps, `${label}.pendingProps`, 0)
    scan(fiber.updateQueue, `${label}.updateQueue`, 0)
    scan(fiber.dependencies, `${label}.dependencies`, 0)
    const node = fiber.stateNode
    if (fiber.tag !== HOST_ROOT && node && typeof node === 'object' && !isDomNode(node)) scan(node, `${label}.stateNode`, 0)
  }

  // The container points at the HostRoot fiber React created first; the committed tree is
  // FiberRoot.current. Both trees (current and alternate) are walked, children and siblings.
  const first = rootFiber(container)
  const fiberRoot = first.stateNode as { current: Fiber }
  const stack: Fiber[] = [fiberRoot.current, first]
  const fibers = new Set<Fiber>()
  while (stack.length) {
    const fiber = stack.pop()!
    if (fibers.has(fiber)) continue
    fibers.add(fiber)
    visit(fiber, `fiber[${fibersVisited++}]`)
    for (const next of [fiber.alternate, fiber.sibling, fiber.child]) if (next && !fibers.has(next)) stack.push(next)
  }
  if (fibersVisited < 2) throw new Error('walked fewer than two fibers: the walk is not seeing the tree')
  return found
}
