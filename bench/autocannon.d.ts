// The subset of autocannon's API that bench/http.ts uses (the package ships no types).
declare module 'autocannon' {
  interface Options {
    url: string
    method?: string
    body?: string
    headers?: Record<string, string>
    connections?: number
    duration?: number
  }
  interface Stats {
    average: number
    p50: number
    p99: number
  }
  interface Result {
    requests: Stats
    latency: Stats
    non2xx: number
    errors: number
  }
  export default function autocannon(options: Options): Promise<Result>
}
