/** The cockpit as shipped: React in production mode (scripts/bundle.ts) and bin/heap.ts's V8 heap growth. Imported first, before React loads. */
import '../bin/heap.js';

process.env.NODE_ENV = 'production';
