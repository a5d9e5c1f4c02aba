export { newId, hasPrefix, type IdPrefix } from '../../platform/ids.js';
