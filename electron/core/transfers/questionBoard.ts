import { FerryError } from '../../../shared/errors.js';

/**
 * Questions the user must answer (a file exists, …) by id: `ask` puts one
 * up and waits, `answer` settles it, `closeAll` answers every open one with
 * a safe default when the window or the app goes away.
 */
export class QuestionBoard<Q, A> {
  private readonly open = new Map<number, { question: Q & { id: number }; resolve: (answer: A) => void }>();
  private nextId = 1;

  constructor(private readonly publish: (question: Q & { id: number }) => void) {}

  ask(question: Q): Promise<A> {
    return new Promise<A>((resolve) => {
      const id = this.nextId++;
      const published = { ...question, id };
      this.open.set(id, { question: published, resolve });
      this.publish(published);
    });
  }

  /** The questions still waiting, oldest first: a window that opens (or reloads) puts them up again. */
  pending(): (Q & { id: number })[] {
    return [...this.open.values()].map((entry) => entry.question);
  }

  answer(id: number, answer: A): void {
    const entry = this.open.get(id);
    if (!entry) throw new FerryError('NOT_FOUND', 'That question was already answered or is no longer asked');
    this.open.delete(id);
    entry.resolve(answer);
  }

  closeAll(answer: A): void {
    for (const entry of this.open.values()) entry.resolve(answer);
    this.open.clear();
  }
}
