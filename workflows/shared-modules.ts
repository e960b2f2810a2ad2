/**
 * Loaded once per worker thread, before any workflow runs (the bundle's `preloadModules`, see
 * worker/workflow-bundle.ts): the modules imported here, and everything they import (zod, xstate,
 * luxon), are then shared by every convention the thread runs. Without it, the SDK evaluates each
 * module once per workflow, its isolation between workflows of one V8 context, and every cached
 * convention held its own copy of the schemas, the machine, luxon and the holiday tables: 2.1 MiB
 * each, against 0.2 MiB shared.
 *
 * What may be imported here: pure code, whose module scope builds only constants and memos of
 * pure answers, so that sharing it cannot carry anything from one convention to another. A memo's
 * answer must not depend on what it was asked before (see `repeatDates` in domain/reminders/slots.ts):
 * conventions of different clocks now ask the same memo.
 */
import { regexes as zodPatterns } from 'zod';
import * as conventionSchemas from '../domain/convention/schema';
import * as inputRules from '../domain/convention/input-rules';
import * as eventSchemas from '../domain/lifecycle/events';
import * as idempotency from '../domain/idempotency';
import * as requestSchemas from '../domain/runtime/requests';
import '../domain/documents/attachments';
import '../domain/documents/ledger';
import '../domain/lifecycle/clock';
import '../domain/lifecycle/decide';
import '../domain/lifecycle/phase';
import '../domain/lifecycle/view';
import '../domain/mail/notices';
import '../domain/presentation';
import '../domain/reminders/plan';
import '../domain/reminders/schedule';
import '../domain/runtime/convention-runtime';
import '../domain/temporal-contract';

// The SDK deep-freezes what shared modules export, and stops at an object frozen already. A zod
// schema memoises parts of itself on first use (bound methods, derived internals), and zod resets
// `lastIndex` on its patterns (z.email's among them) before each test: a frozen schema or pattern
// throws. Freezing these containers ourselves keeps what they hold out of the SDK's walk.
Object.freeze(conventionSchemas);
Object.freeze(inputRules);
Object.freeze(eventSchemas);
Object.freeze(idempotency);
Object.freeze(requestSchemas);
Object.freeze(zodPatterns);
