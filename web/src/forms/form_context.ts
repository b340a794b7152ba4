// What special field editors need to know about the node being edited.
import { createContext, useContext } from 'react';
import type { PipelineDocument } from '../model/pipeline_document';

export interface FormContextValue {
  pipelineId: string;
  doc: PipelineDocument;
  nodeId: string;
  moduleName: string;
  readOnly: boolean;
}

export const FormContext = createContext<FormContextValue | null>(null);

export function useFormContext(): FormContextValue | null {
  return useContext(FormContext);
}
