// What every emulator handler returns, and Auth0's error body.

export interface Reply {
  status: number;
  body?: unknown;
}

export const error = (status: number, message: string, errorCode?: string): Reply => ({
  status,
  body: { statusCode: status, error: REASONS[status] ?? 'Error', message, ...(errorCode ? { errorCode } : {}) },
});

export const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

