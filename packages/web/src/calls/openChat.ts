/**
 * @module calls/openChat
 * Opens a person's chat from the call screen with the composer focused ("Leave a message").
 * The call screen is drawn beside the shell, which alone holds the route, so this presses the
 * shell's own controls the way a person would: the Chats tab, then the conversation's row.
 * The row is there because dialling found or created the direct conversation.
 */
import { directKey } from '../session/chatModel.ts';

const WAIT_MS = 3_000;

/** Resolves true once the chat is open and its composer has the focus. */
export async function openChatWith(handle: string): Promise<boolean> {
  const key = CSS.escape(directKey(handle));
  (document.querySelector('[data-tab=chats]') as HTMLElement | null)?.click();
  const row = await appear<HTMLElement>(`[data-screen=chats] [data-chat="${key}"]`);
  if (!row) return false;
  row.click();
  const composer = await appear<HTMLTextAreaElement>(`[data-screen=chat][data-chat="${key}"] textarea`);
  composer?.focus();
  return !!composer;
}

/** The element once the shell has rendered it (renders are batched, so not at once). */
async function appear<T extends Element>(selector: string): Promise<T | undefined> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const el = document.querySelector<T>(selector);
    if (el || Date.now() > until) return el ?? undefined;
    await new Promise((r) => setTimeout(r, 30));
  }
}
