import type { Configuration } from 'oidc-provider';
import { thaiErrorWords } from '../http/thai-error-words.ts';
import { render } from '../http/views.ts';

/** What a person who lands on an error page can do about it, by OAuth error code. */
const advice: Record<string, { heading: string; message: string }> = {
  invalid_client: {
    heading: 'This application cannot sign in with ThaID',
    message:
      'The application is not registered, or its registration is suspended or cancelled. ' +
      'If you run the application, check its client_id and its status with DOPA.',
  },
  invalid_redirect_uri: {
    heading: 'The return address is not registered',
    message:
      'The application asked ThaID to send you back to an address that is not registered for it. ' +
      'If you run the application, register this redirect_uri exactly as it is sent (scheme, host, port, path and trailing slash).',
  },
  invalid_request: {
    heading: 'The sign-in request is not valid',
    message: 'The application sent a request ThaID cannot process. If you run the application, see the details below.',
  },
  temporarily_unavailable: {
    heading: 'ThaID is temporarily unavailable',
    message: 'Please try again in a moment.',
  },
};

const fallback = {
  heading: 'Sign-in could not continue',
  message: 'Go back to the application and start again.',
};

export const renderError: NonNullable<Configuration['renderError']> = async (ctx, out) => {
  const { heading, message } = advice[out.error] ?? fallback;
  const details = out.error_description && out.error !== 'server_error' ? ` (${out.error_description})` : '';
  const thai = thaiErrorWords(out.error, ctx.status);
  ctx.type = 'html';
  ctx.body = render('error', `${thai.heading} · ${heading}`, {
    headingTh: thai.heading,
    messageTh: thai.message,
    heading,
    message: `${message}${details}`,
    code: out.error,
    requestId: String(ctx.state.requestId ?? ''),
  });
};
