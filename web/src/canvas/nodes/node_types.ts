// Stable at module scope: React Flow remounts every node when nodeTypes changes identity.
import { ModuleNode } from './module_node';

export const nodeTypes = { module: ModuleNode };
