/** The only workflowsPath: every workflow the worker runs. */
export { supervisionCycle } from './cycle';
