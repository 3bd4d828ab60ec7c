/**
 * Decorators and `defineStateMachine`. This file runs under both jest projects (TC39 standard
 * decorators, and experimentalDecorators + emitDecoratorMetadata); the last block also compiles
 * one source under all three compiler settings itself, so experimentalDecorators *without*
 * emitDecoratorMetadata is covered too.
 */
import fc from 'fast-check';
import ts from 'typescript';
import * as L from '../../src/index.js';
import { canon, fcParams } from './lawHarness.js';

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(L.LockstepError);
    return (err as L.LockstepError).code;
  }
  throw new Error('expected a LockstepError, nothing was thrown');
}

function errorOf(fn: () => unknown): L.LockstepError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(L.LockstepError);
    return err as L.LockstepError;
  }
  throw new Error('expected a LockstepError, nothing was thrown');
}

const call = (method: string, args: L.Json[] = [], path: string[] = []): L.Transition => ({
  path,
  op: { type: 'call', method, args },
});

// ---------------------------------------------------------------- inheritance

@L.stateMachine()
class Base {
  @L.field() hits = new L.Counter();
  @L.field() log = new L.Atom<string[]>([]);

  @L.transition()
  hit() {
    this.hits.add(1);
  }

  @L.transition()
  twice() {
    this.hit();
    this.hit();
  }
}

@L.stateMachine()
class Sub extends Base {
  @L.field() extra = new L.Atom('x');

  /** Overrides the parent's transition and calls it. */
  @L.transition()
  override hit() {
    super.hit();
    this.log.set([...this.log.value, 'sub']);
  }

  @L.transition({ args: [{ type: 'string' }] })
  rename(s: string) {
    this.extra.set(s);
  }
}

/** A subclass with no decorators of its own is still a machine (its parent's). */
class Plain extends Base {}

describe('inheritance', () => {
  it('a subclass adds fields and transitions; the parent is unchanged', () => {
    const base = new L.Doc(Base);
    const sub = new L.Doc(Sub);
    expect(Object.keys(base.snapshot() as object)).toEqual(['hits', 'log']);
    expect(Object.keys(sub.snapshot() as object)).toEqual(['hits', 'log', 'extra']);
    sub.apply(call('rename', ['y']));
    expect(sub.state.extra.value).toBe('y');
    expect(codeOf(() => base.apply(call('rename', ['y'])))).toBe('invalid_op');
    expect(codeOf(() => base.apply({ path: ['extra'], op: { type: 'atom/set', value: 'y' } }))).toBe('not_found');
    expect(codeOf(() => L.Doc.load(Base, sub.snapshot()))).toBe('invalid_snapshot');
  });

  it('an overriding transition runs for calls and ops, and super reaches the parent body', () => {
    const base = new L.Doc(Base);
    base.state.twice();
    expect(base.toJSON()).toEqual({ hits: 2, log: [] });

    const sub = new L.Doc(Sub);
    sub.state.hit();
    sub.apply(call('hit'));
    // The inherited transition calls the override (normal method dispatch), as one transition.
    let changes = 0;
    sub.subscribe(() => changes++);
    sub.state.twice();
    expect(changes).toBe(1);
    expect(sub.toJSON()).toEqual({ hits: 4, log: ['sub', 'sub', 'sub', 'sub'], extra: 'x' });
  });

  it('a plain subclass without decorators inherits the machine', () => {
    const doc = new L.Doc(Plain);
    doc.state.twice();
    expect(doc.toJSON()).toEqual({ hits: 2, log: [] });
  });

  it('two subclasses of one parent do not see each other', () => {
    @L.stateMachine()
    class A extends Base {
      @L.field() a = new L.Counter();
    }
    @L.stateMachine()
    class B extends Base {
      @L.field() b = new L.Counter();
    }
    expect(Object.keys(new L.Doc(A).snapshot() as object)).toEqual(['hits', 'log', 'a']);
    expect(Object.keys(new L.Doc(B).snapshot() as object)).toEqual(['hits', 'log', 'b']);
    expect(Object.keys(new L.Doc(Base).snapshot() as object)).toEqual(['hits', 'log']);
  });
});

// ---------------------------------------------------------------- defineStateMachine twin

const titleSchema = { type: 'string', maxLength: 10 };

@L.stateMachine()
class TodoDec {
  @L.field({ schema: titleSchema }) title = new L.Atom('');
  @L.field() done = new L.Atom(false);

  @L.transition()
  toggle() {
    this.done.set(!this.done.value);
  }
}

@L.stateMachine()
class BoardDec {
  @L.field() todos = L.Map.of(TodoDec);
  @L.field() count = new L.Counter({ min: 0, max: 3 });

  @L.transition({ args: [{ type: 'string' }, { type: 'string' }] })
  add(key: string, title: string) {
    if (this.todos.has(key)) throw new L.Conflict('duplicate_id', `todo ${key} exists`);
    this.todos.set(key, { title });
    this.count.add(1);
  }

  @L.transition({ args: [{ type: 'string' }] })
  remove(key: string) {
    if (!this.todos.has(key)) throw new L.Conflict('not_found', `no todo ${key}`);
    this.todos.delete(key);
    this.count.add(-1);
  }

  @L.transition()
  pickOne() {
    const keys = this.todos.keys();
    if (keys.length === 0) return;
    const key = keys[Math.floor(L.context().random() * keys.length)] as string;
    this.todos.get(key)!.toggle();
  }
}

const TodoDef = L.defineStateMachine({
  name: 'TodoDef',
  fields: {
    title: { init: () => new L.Atom(''), schema: titleSchema },
    done: () => new L.Atom(false),
  },
  transitions: {
    toggle() {
      this.done.set(!this.done.value);
    },
  },
});

const BoardDef = L.defineStateMachine({
  name: 'BoardDef',
  fields: {
    todos: () => L.Map.of(TodoDef),
    count: () => new L.Counter({ min: 0, max: 3 }),
  },
  transitions: {
    add: {
      args: [{ type: 'string' }, { type: 'string' }],
      run(key: string, title: string) {
        if (this.todos.has(key)) throw new L.Conflict('duplicate_id', `todo ${key} exists`);
        this.todos.set(key, { title });
        this.count.add(1);
      },
    },
    remove: {
      args: [{ type: 'string' }],
      run(key: string) {
        if (!this.todos.has(key)) throw new L.Conflict('not_found', `no todo ${key}`);
        this.todos.delete(key);
        this.count.add(-1);
      },
    },
    pickOne() {
      const keys = this.todos.keys();
      if (keys.length === 0) return;
      const key = keys[Math.floor(L.context().random() * keys.length)] as string;
      this.todos.get(key)!.toggle();
    },
  },
});

describe('defineStateMachine', () => {
  it('behaves exactly like its decorated twin for the same ops', () => {
    const key = fc.constantFrom('a', 'b', '__proto__', 'constructor');
    const op: fc.Arbitrary<L.Transition> = fc.oneof(
      fc.tuple(key, fc.string({ maxLength: 12 })).map(([k, t]) => call('add', [k, t])),
      key.map((k) => call('remove', [k])),
      fc.constant(call('pickOne')),
      key.map((k) => call('toggle', [], ['todos', k])),
      fc.tuple(key, fc.string({ maxLength: 12 })).map(([k, t]) => ({ path: ['todos', k, 'title'], op: { type: 'atom/set', value: t } })),
      fc.tuple(key, fc.string({ maxLength: 3 })).map(([k, t]) => ({
        path: ['todos'],
        op: { type: 'map/set', key: k, value: { title: t, done: true } },
      })),
      fc.anything().map((a) => call('add', [a as L.Json])),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const dec = new L.Doc(BoardDec);
        const def = new L.Doc(BoardDef);
        for (const [i, t] of ops.entries()) {
          const outcome = (doc: L.Doc<object>) => {
            try {
              return { ok: canon(doc.apply(t, { seed: i, version: i })) };
            } catch (err) {
              return { code: (err as L.LockstepError).code };
            }
          };
          expect(outcome(def)).toEqual(outcome(dec));
          expect(canon(def.snapshot())).toEqual(canon(dec.snapshot()));
        }
      }),
      fcParams(100),
    );
  });

  it('gives the class its name, typed fields and transitions, and live calls dispatch', () => {
    expect(TodoDef.name).toBe('TodoDef');
    const doc = new L.Doc(BoardDef);
    const seen: L.Transition[][] = [];
    doc.subscribe((c) => seen.push(c.effects));
    doc.state.add('k', 'milk');
    doc.state.todos.get('k')!.toggle();
    expect(doc.toJSON()).toEqual({ todos: { k: { title: 'milk', done: true } }, count: 1 });
    expect(seen).toEqual([
      [
        { path: ['todos'], op: { type: 'map/set', key: 'k', snapshot: { title: 'milk', done: false } } },
        { path: ['count'], op: { type: 'counter/add', n: 1 } },
      ],
      [{ path: ['todos', 'k', 'done'], op: { type: 'atom/set', value: true } }],
    ]);
    expect(codeOf(() => doc.state.add('j', 'x'.repeat(11)))).toBe('invalid_value');
    expect(codeOf(() => doc.state.add(5 as unknown as string, 'x'))).toBe('invalid_args');
  });

  it('types `this` inside transitions as the machine (checked by tsc: not `any`)', () => {
    const Tally = L.defineStateMachine({
      fields: { n: () => new L.Counter() },
      transitions: {
        inc() {
          this.n.add(1);
          // @ts-expect-error -- `this` has fields and transitions only
          void this.nope;
        },
        twice: {
          run() {
            this.inc();
            this.inc();
          },
        },
      },
    });
    const doc = new L.Doc(Tally);
    doc.state.twice();
    expect(doc.toJSON()).toEqual({ n: 2 });
  });

  it('refuses a transition that is not a function', () => {
    expect(
      codeOf(() => L.defineStateMachine({ fields: { a: () => new L.Counter() }, transitions: { t: { run: 5 } as never } })),
    ).toBe('invalid_definition');
    expect(
      codeOf(() => L.defineStateMachine({ fields: { a: () => new L.Counter() }, transitions: { t: null as never } })),
    ).toBe('invalid_definition');
  });
});

// ---------------------------------------------------------------- field options and definition errors

@L.stateMachine()
class Profile {
  @L.field({ schema: { type: 'object', properties: { age: { type: 'integer', minimum: 0 } }, required: ['age'] } })
  info = new L.Atom({ age: 1 });
  @L.field() note = new L.Atom('');
}

describe('@field', () => {
  it('enforces a schema on set and on patch, through the doc and on the live object', () => {
    const doc = new L.Doc(Profile);
    const before = doc.snapshot();
    expect(codeOf(() => doc.state.info.set({ age: -1 }))).toBe('invalid_value');
    expect(codeOf(() => doc.state.info.patch([{ op: 'remove', path: '/age' }]))).toBe('invalid_value');
    expect(codeOf(() => doc.apply({ path: ['info'], op: { type: 'atom/set', value: { age: 1.5 } } }))).toBe('invalid_value');
    expect(codeOf(() => doc.apply({ path: ['info'], op: { type: 'atom/patch', patch: [{ op: 'replace', path: '/age', value: 'x' }] } }))).toBe(
      'invalid_value',
    );
    expect(doc.snapshot()).toEqual(before);
    const err = errorOf(() => doc.state.info.set({ age: -1 }));
    expect(err.message).toMatch(/age/);
    expect(err.message).toMatch(/>= 0/);
    doc.state.info.patch([{ op: 'replace', path: '/age', value: 30 }]);
    expect(doc.state.info.value).toEqual({ age: 30 });
    expect(codeOf(() => L.Doc.load(Profile, { info: { age: -5 }, note: '' }))).toBe('invalid_snapshot');
  });

  it('enforces the schema in items made from JSON and in snapshots', () => {
    @L.stateMachine()
    class Holder {
      @L.field() profiles = L.Map.of(Profile);
    }
    const doc = new L.Doc(Holder);
    expect(codeOf(() => doc.state.profiles.set('p', { info: { age: -1 } }))).toBe('invalid_value');
    expect(errorOf(() => L.Doc.load(Holder, { profiles: { p: { info: { age: -1 }, note: '' } } })).message).toMatch(
      /\/profiles\/p\/info/,
    );
  });

  it('a schema on a non-Atom field is invalid_definition, naming the field', () => {
    @L.stateMachine()
    class Bad {
      @L.field({ schema: { type: 'integer' } }) n = new L.Counter();
    }
    const err = errorOf(() => new L.Doc(Bad));
    expect(err.code).toBe('invalid_definition');
    expect(err.message).toMatch(/'n'/);
    expect(err.message).toMatch(/Atom/);
  });

  it('an initial value that fails its own schema, or a schema that is no schema, is invalid_definition', () => {
    @L.stateMachine()
    class BadInitial {
      @L.field({ schema: { type: 'string', minLength: 2 } }) s = new L.Atom('');
    }
    expect(errorOf(() => new L.Doc(BadInitial)).code).toBe('invalid_definition');
    expect(errorOf(() => new L.Doc(BadInitial)).message).toMatch(/'s'/);
    @L.stateMachine()
    class BadSchema {
      @L.field({ schema: { type: 'nonsense' } }) s = new L.Atom('');
    }
    expect(codeOf(() => new L.Doc(BadSchema))).toBe('invalid_definition');
  });

  it('a field not initialised with a machine is a clear invalid_definition', () => {
    @L.stateMachine()
    class NotMachine {
      @L.field() count = 0;
    }
    @L.stateMachine()
    class Uninitialised {
      @L.field() count!: L.Counter;
    }
    @L.stateMachine()
    class PlainObject {
      @L.field() count = { value: 0 };
    }
    // With emitDecoratorMetadata the compiler names the class (design:type) and it is used;
    // without it, a field with no initialiser has nothing to go by.
    const hinted = (Reflect as { getMetadata?: (k: string, t: object, p: string) => unknown }).getMetadata?.(
      'design:type',
      Uninitialised.prototype,
      'count',
    );
    if (hinted) expect(new L.Doc(Uninitialised).toJSON()).toEqual({ count: 0 });
    for (const C of hinted ? [NotMachine, PlainObject] : [NotMachine, Uninitialised, PlainObject]) {
      const err = errorOf(() => new L.Doc(C as new () => object));
      expect(err.code).toBe('invalid_definition');
      expect(err.message).toMatch(/field 'count'/);
      expect(err.message).toMatch(/must be initialised with a machine/);
    }
  });

  it('a class with no declarations is not a machine', () => {
    class Nothing {
      x = new L.Counter();
    }
    expect(errorOf(() => new L.Doc(Nothing)).message).toMatch(/Nothing is not a state machine/);
    // @stateMachine() on an empty class: refused at definition (experimental) or at first use (TC39).
    expect(
      codeOf(() => {
        @L.stateMachine()
        class Empty {}
        return new L.Doc(Empty);
      }),
    ).toBe('invalid_definition');
  });

  it('fields cannot be replaced once the object is a machine', () => {
    const doc = new L.Doc(Profile);
    expect(() => {
      (doc.state as { note: unknown }).note = new L.Atom('other');
    }).toThrow(TypeError);
    expect(doc.state.note).toBeInstanceOf(L.Atom);
    doc.state.note.set('still attached');
    expect(doc.toJSON()).toEqual({ info: { age: 1 }, note: 'still attached' });
  });
});

// ---------------------------------------------------------------- transitions

@L.stateMachine()
class Account {
  @L.field() balance = new L.Counter({ min: 0 });
  @L.field() history = new L.Atom<L.Json[]>([]);
  @L.field() ctx = new L.Atom<L.Json>(null);

  @L.transition({ args: [{ type: 'integer', minimum: 1 }, { type: 'string', maxLength: 10 }] })
  deposit(amount: number, memo: string) {
    this.balance.add(amount);
    this.history.set([...this.history.value, memo]);
  }

  /** Several changes, then a refusal: nothing of it stays. */
  @L.transition({ args: [{ type: 'integer', minimum: 1 }] })
  withdraw(amount: number) {
    this.history.set([...this.history.value, `-${amount}`]);
    if (amount > this.balance.value) throw new L.Conflict('out_of_range', 'insufficient funds');
    this.balance.add(-amount);
  }

  /** Nested transition calls join the outer one. */
  @L.transition({ args: [{ type: 'integer' }, { type: 'integer' }] })
  depositThenWithdraw(a: number, b: number) {
    this.deposit(a, 'in');
    this.withdraw(b);
  }

  @L.transition()
  recordContext() {
    const c = L.context();
    this.ctx.set({ clientId: c.clientId, time: c.time, version: c.version, r: [c.random(), c.random()] });
  }

  @L.transition()
  crash() {
    this.balance.add(1);
    throw new Error('a bug in user code');
  }
}

describe('@transition', () => {
  it('validates args against the schemas given to the decorator (invalid_args), changing nothing', () => {
    const doc = new L.Doc(Account);
    doc.state.deposit(5, 'start');
    const before = doc.snapshot();
    const bad: L.Json[][] = [[0, 'x'], ['5', 'x'], [5, 'x'.repeat(11)], [5, 'x', 'extra'], [5], [], [1.5, 'x']];
    for (const args of bad) {
      expect([args, codeOf(() => doc.apply(call('deposit', args)))]).toEqual([args, 'invalid_args']);
    }
    expect(codeOf(() => (doc.state.deposit as (...a: unknown[]) => void)(5))).toBe('invalid_args');
    expect(codeOf(() => doc.state.deposit(NaN, 'x'))).toBe('invalid_args');
    expect(codeOf(() => (doc.state.deposit as (...a: unknown[]) => void)(5, undefined))).toBe('invalid_args');
    const err = errorOf(() => doc.apply(call('deposit', [5, 7])));
    expect(err.message).toMatch(/argument 1 of 'deposit'/);
    expect(doc.snapshot()).toEqual(before);
  });

  it('an unknown method or a malformed call op is invalid_op', () => {
    const doc = new L.Doc(Account);
    for (const method of ['nope', 'constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      expect(codeOf(() => doc.apply(call(method)))).toBe('invalid_op');
    }
    expect(codeOf(() => doc.apply({ path: [], op: { type: 'call', method: 'deposit' } }))).toBe('invalid_op');
    expect(codeOf(() => doc.apply({ path: [], op: { type: 'call', method: 'deposit', args: {} } }))).toBe('invalid_op');
  });

  it('a throw rolls back every change the method made; a non-Lockstep error is rethrown as is', () => {
    const doc = new L.Doc(Account);
    doc.state.deposit(5, 'a');
    const before = doc.snapshot();
    expect(errorOf(() => doc.state.withdraw(9))).toBeInstanceOf(L.Conflict);
    expect(doc.snapshot()).toEqual(before);
    expect(() => doc.state.crash()).toThrow('a bug in user code');
    expect(doc.snapshot()).toEqual(before);
  });

  it('a nested transition call joins the outer one: one change, one inverse, all or nothing', () => {
    const doc = new L.Doc(Account);
    const changes: L.DocChange[] = [];
    doc.subscribe((c) => changes.push(c));
    const start = doc.snapshot();
    const res = doc.apply(call('depositThenWithdraw', [10, 4]));
    expect(changes).toHaveLength(1);
    expect(res.effects.map((e) => e.path)).toEqual([['balance'], ['history'], ['history'], ['balance']]);
    expect(doc.toJSON()).toEqual({ balance: 6, history: ['in', '-4'], ctx: null });
    doc.applyAll(res.inverse);
    expect(doc.snapshot()).toEqual(start);

    // The inner withdraw fails after the inner deposit succeeded: both are undone.
    changes.length = 0;
    expect(codeOf(() => doc.state.depositThenWithdraw(3, 4))).toBe('out_of_range');
    expect(doc.snapshot()).toEqual(start);
    expect(changes).toHaveLength(0);
  });

  it('L.context() gives clientId, time, version and a seeded random inside; throws outside', () => {
    expect(codeOf(() => L.context())).toBe('invalid_definition');
    const a = new L.Doc(Account);
    const b = new L.Doc(Account);
    a.apply(call('recordContext'), { clientId: 'ann', time: 1234, version: 7, seed: 99 });
    b.apply(call('recordContext'), { clientId: 'ann', time: 1234, version: 7, seed: 99 });
    const got = a.state.ctx.value as { clientId: string; time: number; version: number; r: number[] };
    expect(got).toMatchObject({ clientId: 'ann', time: 1234, version: 7 });
    expect(got.r[0]).not.toBe(got.r[1]);
    for (const r of got.r) expect(r >= 0 && r < 1).toBe(true);
    expect(b.toJSON()).toEqual(a.toJSON());

    b.apply(call('recordContext'), { clientId: 'ann', time: 1234, version: 7, seed: 100 });
    expect((b.state.ctx.value as { r: number[] }).r).not.toEqual(got.r);

    // Without a seed, the random sequence follows the version: replicas agree.
    const c = new L.Doc(Account);
    const d = new L.Doc(Account);
    c.apply(call('recordContext'), { version: 3, time: 1 });
    d.apply(call('recordContext'), { version: 3, time: 1 });
    expect(c.toJSON()).toEqual(d.toJSON());
    expect(codeOf(() => L.context())).toBe('invalid_definition');
  });

  it('a live call on a standalone doc applies at once with a local context', () => {
    const doc = new L.Doc(Account);
    doc.state.recordContext();
    expect(doc.state.ctx.value).toMatchObject({ clientId: 'local', version: 0 });
    doc.state.recordContext();
    expect(doc.state.ctx.value).toMatchObject({ clientId: 'local', version: 1 });
  });

  it('@transition and @field on the wrong kind of member are invalid_definition', () => {
    expect(
      codeOf(() => {
        @L.stateMachine()
        class C {
          @L.field() c = new L.Counter();
          @L.transition() notAMethod = 5;
        }
        return new L.Doc(C);
      }),
    ).toBe('invalid_definition');
    expect(
      codeOf(() => {
        @L.stateMachine()
        class C {
          @L.field() c = new L.Counter();
          @L.field() method() {}
        }
        return new L.Doc(C);
      }),
    ).toBe('invalid_definition');
  });
});

// ---------------------------------------------------------------- detached instances

describe('detached instances (not in a Doc)', () => {
  it('apply mutations at once, validated', () => {
    const acc = new Account();
    acc.balance.add(5);
    acc.history.set(['x']);
    expect(acc.balance.value).toBe(5);
    expect(codeOf(() => acc.balance.add(-6))).toBe('out_of_range');
    expect(codeOf(() => acc.balance.add('1' as unknown as number))).toBe('invalid_op');
    expect(codeOf(() => acc.history.set([undefined as unknown as L.Json]))).toBe('invalid_value');
    expect(acc.balance.value).toBe(5);
    const m = new L.Map<number>();
    m.set('__proto__', 1);
    expect(m.get('__proto__')).toBe(1);
    expect(codeOf(() => m.set(7 as unknown as string, 1))).toBe('invalid_op');
    expect(m.keys()).toEqual(['__proto__']);
  });

  it('run transition methods atomically, rolling back on a throw', () => {
    const acc = new Account();
    acc.deposit(10, 'a');
    expect(acc.balance.value).toBe(10);
    expect(codeOf(() => acc.depositThenWithdraw(1, 100))).toBe('out_of_range');
    expect(acc.balance.value).toBe(10);
    expect(acc.history.value).toEqual(['a']);
    expect(codeOf(() => acc.deposit(0, 'x'))).toBe('invalid_args');
    expect(() => acc.crash()).toThrow('a bug in user code');
    expect(acc.balance.value).toBe(10);
    acc.recordContext();
    expect(acc.ctx.value).toMatchObject({ clientId: 'local' });
    // Still detached afterwards: plain mutations keep working.
    acc.balance.add(1);
    expect(acc.balance.value).toBe(11);
  });

  it('items of a detached container run their transitions inside the container', () => {
    @L.stateMachine()
    class Box {
      @L.field() todos = L.Map.of(TodoDec);
    }
    const box = new Box();
    box.todos.set('a', { title: 'milk' });
    box.todos.get('a')!.toggle();
    expect(box.todos.get('a')!.done.value).toBe(true);
    const item = box.todos.get('a')!;
    box.todos.delete('a');
    // A removed item is gone: writing through a stale reference is refused, never lost quietly.
    expect(() => item.toggle()).toThrow(/no longer in its doc/);
    expect(item.done.value).toBe(true);
  });
});

// ---------------------------------------------------------------- compiler settings

describe('compiler settings', () => {
  const source = `
    import * as L from 'lockstep';
    @L.stateMachine()
    class Item {
      @L.field({ schema: { type: 'string', maxLength: 5 } }) name = new L.Atom('');
      @L.field() qty: L.Counter = new L.Counter({ min: 0 });
    }
    @L.stateMachine()
    class Base {
      @L.field() items = L.Map.of(Item);
      @L.transition({ args: [{ type: 'string' }, { type: 'integer' }] })
      stock(key: string, n: number) {
        if (!this.items.has(key)) this.items.set(key, { name: key });
        this.items.get(key)!.qty.add(n);
      }
    }
    @L.stateMachine()
    class Shop extends Base {
      @L.field() sales = new L.Counter();
      @L.transition({ args: [{ type: 'string' }] })
      sell(key: string) {
        this.sales.add(1);
        this.stock(key, -1);
      }
    }
    export function run() {
      const doc = new L.Doc(Shop);
      doc.state.stock('pen', 2);
      doc.state.sell('pen');
      let refused = '';
      try { doc.state.sell('pen'); doc.state.sell('pen'); } catch (e: any) { refused = e.code; }
      let bad = '';
      try { doc.state.stock('toolong', 1); } catch (e: any) { bad = e.code; }
      const meta = typeof (Reflect as any).getMetadata === 'function'
        ? (Reflect as any).getMetadata('design:type', Item.prototype, 'qty') : undefined;
      return { json: doc.toJSON(), refused, bad, designType: meta === undefined ? null : meta.name };
    }
  `;
  const settings = {
    tc39: { experimentalDecorators: false, emitDecoratorMetadata: false },
    experimental: { experimentalDecorators: true, emitDecoratorMetadata: false },
    'experimental+metadata': { experimentalDecorators: true, emitDecoratorMetadata: true },
  };
  const expected = { json: { items: { pen: { name: 'pen', qty: 0 } }, sales: 2 }, refused: 'out_of_range', bad: 'invalid_value' };

  it.each(Object.entries(settings))('%s: same behaviour', (name, options) => {
    const out = ts.transpileModule(source, {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, useDefineForClassFields: true, ...options },
    });
    // The emitted helpers tell the settings apart: proof that each mode really ran.
    if (name === 'tc39') expect(out.outputText).toMatch(/__esDecorate/);
    else expect(out.outputText).toMatch(/__decorate\(/);
    expect(out.outputText.includes('__metadata("design:type"')).toBe(name === 'experimental+metadata');
    const mod = { exports: {} as { run(): unknown } };
    new Function('require', 'module', 'exports', out.outputText)(
      (id: string) => {
        if (id !== 'lockstep') throw new Error(`unexpected import ${id}`);
        return L;
      },
      mod,
      mod.exports,
    );
    const result = mod.exports.run() as { designType: string | null };
    expect(result).toEqual({ ...expected, designType: name === 'experimental+metadata' ? 'Counter' : null });
  });
});
