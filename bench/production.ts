/** React in production mode, as in the bundle cutover ships (scripts/bundle.ts): imported first, before React loads. */
process.env.NODE_ENV = 'production';
