// Stand-in for front_end/core/text_utils/text_utils.js: the loader only uses
// TextUtils.BalancedJSONTokenizer (real module re-exported below). The other
// members pull in CodeMirror and other UI-only code.
import * as TextUtils from '@devtools/core/text_utils/TextUtils.js';

export {TextUtils};
