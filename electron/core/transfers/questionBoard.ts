import { FerryError } from '../../../shared/errors.js';

/**
 * Questions the user must answer (a file exists, …) by id: `ask` puts one
 * up and waits, `answer` settles it, `closeAll` answers every open one with
 * a safe default when the window or the app goes away.
 */
export class QuestionBoard<Q, A> {
  private readonly open = new Map<number, (answer: A) => void>();
  private nextId = 1;

  constructor(private readonly publish: (question: Q & { id: number }) => void) {}

  ask(question: Q): Promise<A> {
    return new Promise<A>((resolve) => {
      const id = this.nextId++;
      this.open.set(id, resolve);
      this.publish({ ...question, id });
    });
  }

  answer(id: number, answer: A): void {
    const resolve = this.open.get(id);
    if (!resolve) throw new FerryError('NOT_FOUND', `No open question ${id}`);
    this.open.delete(id);
    resolve(answer);
  }

  closeAll(answer: A): void {
    for (const resolve of this.open.values()) resolve(answer);
    this.open.clear();
  }
}
