import { OpenAPIRegistry, type ResponseConfig, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { z } from 'zod';
import { errorBody } from './error-body.ts';

/** One HTTP API of this service, described by one OpenAPI document. */
export interface ApiInfo {
  title: string;
  description: string;
  /** Where the API's routers are mounted; routes are declared under it, as the router writes their paths. */
  prefix: string;
  /** The HTTP Authorization scheme every request of the API carries. */
  authentication: { name: string; scheme: string; description: string };
  /** Error answers every route can give, by status; a route that describes the same status replaces it. */
  commonErrors: Record<number, string>;
}

/** An API and the routes declared in it so far. */
export class Api {
  readonly info: ApiInfo;
  readonly registry = new OpenAPIRegistry();

  constructor(info: ApiInfo) {
    this.info = info;
    const { name, scheme, description } = info.authentication;
    this.registry.registerComponent('securitySchemes', name, { type: 'http', scheme, description });
  }
}

/** A successful answer and the body it sends, if any. */
export interface Answer {
  description: string;
  body?: z.ZodType;
  /** The body's media type when it is not JSON (text/event-stream, image/svg+xml). */
  mediaType?: string;
}

export interface RouteDeclaration {
  method: 'get' | 'post' | 'delete';
  /** Under the API's prefix, as the router writes it: '/logins/:id/approve'. */
  path: string;
  summary: string;
  description?: string;
  /** The schemas the handler parses its input with. */
  request?: { body?: z.ZodType; query?: z.ZodObject; params?: z.ZodObject };
  /**
   * By status. A string is an error answer, with the shared error body: it says which error codes and when
   * (such as 'login_expired: the sign-in expired before it was answered').
   */
  responses: Record<number, Answer | string>;
}

const json = (schema: z.ZodType) => ({ 'application/json': { schema } });

function response(answer: Answer | string): ResponseConfig {
  if (typeof answer === 'string') return { description: answer, content: json(errorBody) };
  if (!answer.body) return { description: answer.description };
  return { description: answer.description, content: answer.mediaType ? { [answer.mediaType]: { schema: answer.body } } : json(answer.body) };
}

/**
 * Declares a route of an API with the schemas of its input and answers, for its handler to parse with and for
 * the API's OpenAPI document. Returns the declaration: the handler takes its path and schemas from it.
 */
export function declareRoute<R extends RouteDeclaration>(api: Api, route: R): R {
  const { body, query, params } = route.request ?? {};
  const responses = { ...api.info.commonErrors, ...route.responses };
  const config: RouteConfig = {
    method: route.method,
    path: api.info.prefix + route.path.replace(/:(\w+)/g, '{$1}'),
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    request: {
      ...(body ? { body: { required: true, content: json(body) } } : {}),
      ...(query ? { query } : {}),
      ...(params ? { params } : {}),
    },
    responses: Object.fromEntries(Object.entries(responses).map(([status, answer]) => [status, response(answer)])),
  };
  api.registry.registerPath(config);
  return route;
}
