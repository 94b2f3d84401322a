#!/usr/bin/env node
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __commonJS = (cb, mod) => function __require() {
  try {
    return mod || (0, cb[__getOwnPropNames(cb)[0]])((mod = { exports: {} }).exports, mod), mod.exports;
  } catch (e) {
    throw mod = 0, e;
  }
};
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// ../wasm/pkg-cli/imprint.cjs
var require_imprint = __commonJS({
  "../wasm/pkg-cli/imprint.cjs"(exports2) {
    var LoadedPolicy = class _LoadedPolicy {
      static __wrap(ptr) {
        const obj = Object.create(_LoadedPolicy.prototype);
        obj.__wbg_ptr = ptr;
        LoadedPolicyFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
      }
      __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        LoadedPolicyFinalization.unregister(this);
        return ptr;
      }
      free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_loadedpolicy_free(ptr, 0);
      }
      /**
       * The cards of artifacts given as JSON text (and, for rules that use
       * derived values, a context as JSON text); the answer as JSON text.
       * @param {string} artifacts
       * @param {string | null} [context]
       * @returns {string}
       */
      cardsJson(artifacts, context) {
        let deferred2_0;
        let deferred2_1;
        try {
          var ptr0 = isLikeNone(context) ? 0 : passStringToWasm0(context, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          var len0 = WASM_VECTOR_LEN;
          const ret = wasm.loadedpolicy_cardsJson(this.__wbg_ptr, artifacts, ptr0, len0);
          deferred2_0 = ret[0];
          deferred2_1 = ret[1];
          return getStringFromWasm0(ret[0], ret[1]);
        } finally {
          wasm.__wbindgen_free(deferred2_0, deferred2_1, 1);
        }
      }
      /**
       * Checks artifacts given as JSON text; the answer as JSON text.
       * @param {string} artifacts
       * @returns {string}
       */
      checkJson(artifacts) {
        let deferred1_0;
        let deferred1_1;
        try {
          const ret = wasm.loadedpolicy_checkJson(this.__wbg_ptr, artifacts);
          deferred1_0 = ret[0];
          deferred1_1 = ret[1];
          return getStringFromWasm0(ret[0], ret[1]);
        } finally {
          wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
      }
      /**
       * Derives from a context given as JSON text; the answer as JSON text
       * (no object conversion on either side).
       * @param {string} context
       * @returns {string}
       */
      deriveJson(context) {
        let deferred1_0;
        let deferred1_1;
        try {
          const ret = wasm.loadedpolicy_deriveJson(this.__wbg_ptr, context);
          deferred1_0 = ret[0];
          deferred1_1 = ret[1];
          return getStringFromWasm0(ret[0], ret[1]);
        } finally {
          wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
      }
      /**
       * Derives; the answer as a plain object.
       * @param {Partial<Context>} context
       * @returns {Answer}
       */
      derive(context) {
        const ret = wasm.loadedpolicy_derive(this.__wbg_ptr, context);
        return ret;
      }
      /**
       * The policy's name.
       * @returns {string}
       */
      get name() {
        let deferred1_0;
        let deferred1_1;
        try {
          const ret = wasm.loadedpolicy_name(this.__wbg_ptr);
          deferred1_0 = ret[0];
          deferred1_1 = ret[1];
          return getStringFromWasm0(ret[0], ret[1]);
        } finally {
          wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
      }
    };
    if (Symbol.dispose) LoadedPolicy.prototype[Symbol.dispose] = LoadedPolicy.prototype.free;
    exports2.LoadedPolicy = LoadedPolicy;
    var PinRewrite = class _PinRewrite {
      static __wrap(ptr) {
        const obj = Object.create(_PinRewrite.prototype);
        obj.__wbg_ptr = ptr;
        PinRewriteFinalization.register(obj, obj.__wbg_ptr, obj);
        return obj;
      }
      __destroy_into_raw() {
        const ptr = this.__wbg_ptr;
        this.__wbg_ptr = 0;
        PinRewriteFinalization.unregister(this);
        return ptr;
      }
      free() {
        const ptr = this.__destroy_into_raw();
        wasm.__wbg_pinrewrite_free(ptr, 0);
      }
      /**
       * The rewritten file.
       * @returns {Uint8Array}
       */
      get bytes() {
        const ret = wasm.__wbg_get_pinrewrite_bytes(this.__wbg_ptr);
        var v1 = getArrayU8FromWasm0(ret[0], ret[1]).slice();
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
        return v1;
      }
      /**
       * JSON of the changes.
       * @returns {string}
       */
      get changes() {
        let deferred1_0;
        let deferred1_1;
        try {
          const ret = wasm.__wbg_get_pinrewrite_changes(this.__wbg_ptr);
          deferred1_0 = ret[0];
          deferred1_1 = ret[1];
          return getStringFromWasm0(ret[0], ret[1]);
        } finally {
          wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
        }
      }
      /**
       * The rewritten file.
       * @param {Uint8Array | number[]} arg0
       */
      set bytes(arg0) {
        const ptr0 = passArray8ToWasm0(arg0, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        wasm.__wbg_set_pinrewrite_bytes(this.__wbg_ptr, ptr0, len0);
      }
      /**
       * JSON of the changes.
       * @param {string} arg0
       */
      set changes(arg0) {
        const ptr0 = passStringToWasm0(arg0, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        wasm.__wbg_set_pinrewrite_changes(this.__wbg_ptr, ptr0, len0);
      }
    };
    if (Symbol.dispose) PinRewrite.prototype[Symbol.dispose] = PinRewrite.prototype.free;
    exports2.PinRewrite = PinRewrite;
    function builtinNames() {
      const ret = wasm.builtinNames();
      var v1 = getArrayJsValueFromWasm0(ret[0], ret[1]);
      wasm.__wbindgen_free(ret[0], ret[1] * 4, 4);
      return v1;
    }
    exports2.builtinNames = builtinNames;
    function cards(policy, artifacts, context) {
      const ret = wasm.cards(policy, artifacts, context);
      return ret;
    }
    exports2.cards = cards;
    function check(policy, artifacts, context, format) {
      var ptr0 = isLikeNone(format) ? 0 : passStringToWasm0(format, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      var len0 = WASM_VECTOR_LEN;
      const ret = wasm.check(policy, artifacts, context, ptr0, len0);
      return ret;
    }
    exports2.check = check;
    function cliParse(argv, width2, ansi2) {
      let deferred4_0;
      let deferred4_1;
      try {
        const val2 = +(isLikeNone(width2) ? Number.MAX_SAFE_INTEGER : width2 >>> 0);
        const val3 = +ansi2;
        const ptr0 = passArrayJsValueToWasm0(argv, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.cliParse(ptr0, len0, val2, val3);
        deferred4_0 = ret[0];
        deferred4_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred4_0, deferred4_1, 1);
      }
    }
    exports2.cliParse = cliParse;
    function commandKey(argv) {
      let deferred2_0;
      let deferred2_1;
      try {
        const ptr0 = passArrayJsValueToWasm0(argv, wasm.__wbindgen_malloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.commandKey(ptr0, len0);
        deferred2_0 = ret[0];
        deferred2_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred2_0, deferred2_1, 1);
      }
    }
    exports2.commandKey = commandKey;
    function derive(policy, context) {
      const ret = wasm.derive(policy, context);
      return ret;
    }
    exports2.derive = derive;
    function deriveFormatted(policy, context, format) {
      const ret = wasm.deriveFormatted(policy, context, format);
      return ret;
    }
    exports2.deriveFormatted = deriveFormatted;
    function describe(policy, reference, labels, env, format) {
      let ptr0, len0, ptr1, len1;
      try {
        ptr0 = passStringToWasm0(reference, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len0 = WASM_VECTOR_LEN;
        ptr1 = isLikeNone(format) ? 0 : passStringToWasm0(format, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len1 = WASM_VECTOR_LEN;
      } catch (e) {
        if (ptr1) {
          wasm.__wbindgen_free(ptr1, len1 * 1, 1);
        }
        if (ptr0) {
          wasm.__wbindgen_free(ptr0, len0 * 1, 1);
        }
        throw e;
      }
      const ret = wasm.describe(policy, ptr0, len0, labels, env, ptr1, len1);
      return ret;
    }
    exports2.describe = describe;
    function epochToRfc3339(secs) {
      const ptr0 = passStringToWasm0(secs, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      const len0 = WASM_VECTOR_LEN;
      const ret = wasm.epochToRfc3339(ptr0, len0);
      let v2;
      if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
      }
      return v2;
    }
    exports2.epochToRfc3339 = epochToRfc3339;
    function errorText(answer, origin) {
      let ptr0, len0, ptr1, len1;
      try {
        ptr0 = passStringToWasm0(answer, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len0 = WASM_VECTOR_LEN;
        ptr1 = passStringToWasm0(origin, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len1 = WASM_VECTOR_LEN;
      } catch (e) {
        if (ptr1) {
          wasm.__wbindgen_free(ptr1, len1 * 1, 1);
        }
        if (ptr0) {
          wasm.__wbindgen_free(ptr0, len0 * 1, 1);
        }
        throw e;
      }
      const ret = wasm.errorText(ptr0, len0, ptr1, len1);
      let v3;
      if (ret[0] !== 0) {
        v3 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
      }
      return v3;
    }
    exports2.errorText = errorText;
    function escapeDebug2(s) {
      let deferred2_0;
      let deferred2_1;
      try {
        const ptr0 = passStringToWasm0(s, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.escapeDebug(ptr0, len0);
        deferred2_0 = ret[0];
        deferred2_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred2_0, deferred2_1, 1);
      }
    }
    exports2.escapeDebug = escapeDebug2;
    function explain(policy, context) {
      const ret = wasm.explain(policy, context);
      return ret;
    }
    exports2.explain = explain;
    function hasGoBuildinfo(bytes) {
      const ptr0 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
      const len0 = WASM_VECTOR_LEN;
      const ret = wasm.hasGoBuildinfo(ptr0, len0);
      return ret !== 0;
    }
    exports2.hasGoBuildinfo = hasGoBuildinfo;
    function inputWalked(name, kind_name, executable) {
      let deferred4_0;
      let deferred4_1;
      try {
        const val3 = +executable;
        let ptr0, len0, ptr1, len1;
        try {
          ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len0 = WASM_VECTOR_LEN;
          ptr1 = passStringToWasm0(kind_name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len1 = WASM_VECTOR_LEN;
        } catch (e) {
          if (ptr1) {
            wasm.__wbindgen_free(ptr1, len1 * 1, 1);
          }
          if (ptr0) {
            wasm.__wbindgen_free(ptr0, len0 * 1, 1);
          }
          throw e;
        }
        const ret = wasm.inputWalked(ptr0, len0, ptr1, len1, val3);
        deferred4_0 = ret[0];
        deferred4_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred4_0, deferred4_1, 1);
      }
    }
    exports2.inputWalked = inputWalked;
    function isExecutableFormat(head) {
      const ptr0 = passArray8ToWasm0(head, wasm.__wbindgen_malloc);
      const len0 = WASM_VECTOR_LEN;
      const ret = wasm.isExecutableFormat(ptr0, len0);
      return ret !== 0;
    }
    exports2.isExecutableFormat = isExecutableFormat;
    function isGoBinary(bytes) {
      const ptr0 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
      const len0 = WASM_VECTOR_LEN;
      const ret = wasm.isGoBinary(ptr0, len0);
      return ret !== 0;
    }
    exports2.isGoBinary = isGoBinary;
    function isValidTag(tag) {
      const ptr0 = passStringToWasm0(tag, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      const len0 = WASM_VECTOR_LEN;
      const ret = wasm.isValidTag(ptr0, len0);
      return ret !== 0;
    }
    exports2.isValidTag = isValidTag;
    function jsonError(bytes) {
      const ptr0 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
      const len0 = WASM_VECTOR_LEN;
      const ret = wasm.jsonError(ptr0, len0);
      let v2;
      if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
      }
      return v2;
    }
    exports2.jsonError = jsonError;
    function labelsFrom(path, bytes) {
      let deferred3_0;
      let deferred3_1;
      try {
        let ptr0, len0, ptr1, len1;
        try {
          ptr0 = passStringToWasm0(path, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len0 = WASM_VECTOR_LEN;
          ptr1 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
          len1 = WASM_VECTOR_LEN;
        } catch (e) {
          if (ptr1) {
            wasm.__wbindgen_free(ptr1, len1 * 1, 1);
          }
          if (ptr0) {
            wasm.__wbindgen_free(ptr0, len0 * 1, 1);
          }
          throw e;
        }
        const ret = wasm.labelsFrom(ptr0, len0, ptr1, len1);
        deferred3_0 = ret[0];
        deferred3_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
      }
    }
    exports2.labelsFrom = labelsFrom;
    function load(policy) {
      const ret = wasm.load(policy);
      return ret;
    }
    exports2.load = load;
    function nothingFound(name, kind_name, is_dir, seen, unexecutable) {
      let deferred6_0;
      let deferred6_1;
      try {
        const val5 = +is_dir;
        let ptr0, len0, ptr1, len1, ptr2, len2, ptr3, len3;
        try {
          ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len0 = WASM_VECTOR_LEN;
          ptr1 = passStringToWasm0(kind_name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len1 = WASM_VECTOR_LEN;
          ptr2 = passStringToWasm0(seen, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len2 = WASM_VECTOR_LEN;
          ptr3 = passArrayJsValueToWasm0(unexecutable, wasm.__wbindgen_malloc);
          len3 = WASM_VECTOR_LEN;
        } catch (e) {
          if (ptr3) {
            wasm.__externref_drop_slice(ptr3, len3);
            wasm.__wbindgen_free(ptr3, len3 * 4, 4);
          }
          if (ptr2) {
            wasm.__wbindgen_free(ptr2, len2 * 1, 1);
          }
          if (ptr1) {
            wasm.__wbindgen_free(ptr1, len1 * 1, 1);
          }
          if (ptr0) {
            wasm.__wbindgen_free(ptr0, len0 * 1, 1);
          }
          throw e;
        }
        const ret = wasm.nothingFound(ptr0, len0, ptr1, len1, val5, ptr2, len2, ptr3, len3);
        deferred6_0 = ret[0];
        deferred6_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred6_0, deferred6_1, 1);
      }
    }
    exports2.nothingFound = nothingFound;
    function pinFileMatches(name, extensions) {
      let ptr0, len0, ptr1, len1;
      try {
        ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len0 = WASM_VECTOR_LEN;
        ptr1 = passArrayJsValueToWasm0(extensions, wasm.__wbindgen_malloc);
        len1 = WASM_VECTOR_LEN;
      } catch (e) {
        if (ptr1) {
          wasm.__externref_drop_slice(ptr1, len1);
          wasm.__wbindgen_free(ptr1, len1 * 4, 4);
        }
        if (ptr0) {
          wasm.__wbindgen_free(ptr0, len0 * 1, 1);
        }
        throw e;
      }
      const ret = wasm.pinFileMatches(ptr0, len0, ptr1, len1);
      return ret !== 0;
    }
    exports2.pinFileMatches = pinFileMatches;
    function policies() {
      const ret = wasm.policies();
      return ret;
    }
    exports2.policies = policies;
    function policyInfo(text, origin) {
      let deferred3_0;
      let deferred3_1;
      try {
        let ptr0, len0, ptr1, len1;
        try {
          ptr0 = passStringToWasm0(text, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len0 = WASM_VECTOR_LEN;
          ptr1 = passStringToWasm0(origin, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len1 = WASM_VECTOR_LEN;
        } catch (e) {
          if (ptr1) {
            wasm.__wbindgen_free(ptr1, len1 * 1, 1);
          }
          if (ptr0) {
            wasm.__wbindgen_free(ptr0, len0 * 1, 1);
          }
          throw e;
        }
        const ret = wasm.policyInfo(ptr0, len0, ptr1, len1);
        deferred3_0 = ret[0];
        deferred3_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
      }
    }
    exports2.policyInfo = policyInfo;
    function policyLimit() {
      const ret = wasm.policyLimit();
      return ret >>> 0;
    }
    exports2.policyLimit = policyLimit;
    function policyText(name) {
      const ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      const len0 = WASM_VECTOR_LEN;
      const ret = wasm.policyText(ptr0, len0);
      let v2;
      if (ret[0] !== 0) {
        v2 = getStringFromWasm0(ret[0], ret[1]);
        wasm.__wbindgen_free(ret[0], ret[1] * 1, 1);
      }
      return v2;
    }
    exports2.policyText = policyText;
    function policyTooLarge(origin, size) {
      let deferred3_0;
      let deferred3_1;
      try {
        const val2 = +(isLikeNone(size) ? 0 : size);
        const ptr0 = passStringToWasm0(origin, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.policyTooLarge(ptr0, len0, !isLikeNone(size), val2);
        deferred3_0 = ret[0];
        deferred3_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
      }
    }
    exports2.policyTooLarge = policyTooLarge;
    function read(text, file) {
      var ptr0 = isLikeNone(file) ? 0 : passStringToWasm0(file, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
      var len0 = WASM_VECTOR_LEN;
      const ret = wasm.read(text, ptr0, len0);
      return ret;
    }
    exports2.read = read;
    function readGoBinary(name, bytes) {
      let deferred3_0;
      let deferred3_1;
      try {
        let ptr0, len0, ptr1, len1;
        try {
          ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len0 = WASM_VECTOR_LEN;
          ptr1 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
          len1 = WASM_VECTOR_LEN;
        } catch (e) {
          if (ptr1) {
            wasm.__wbindgen_free(ptr1, len1 * 1, 1);
          }
          if (ptr0) {
            wasm.__wbindgen_free(ptr0, len0 * 1, 1);
          }
          throw e;
        }
        const ret = wasm.readGoBinary(ptr0, len0, ptr1, len1);
        deferred3_0 = ret[0];
        deferred3_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
      }
    }
    exports2.readGoBinary = readGoBinary;
    function readInput(name, bytes, kind_name, lenient, seen) {
      let deferred6_0;
      let deferred6_1;
      try {
        const val5 = +lenient;
        let ptr0, len0, ptr1, len1, ptr2, len2, ptr3, len3;
        try {
          ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len0 = WASM_VECTOR_LEN;
          ptr1 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
          len1 = WASM_VECTOR_LEN;
          ptr2 = passStringToWasm0(kind_name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len2 = WASM_VECTOR_LEN;
          ptr3 = passStringToWasm0(seen, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len3 = WASM_VECTOR_LEN;
        } catch (e) {
          if (ptr3) {
            wasm.__wbindgen_free(ptr3, len3 * 1, 1);
          }
          if (ptr2) {
            wasm.__wbindgen_free(ptr2, len2 * 1, 1);
          }
          if (ptr1) {
            wasm.__wbindgen_free(ptr1, len1 * 1, 1);
          }
          if (ptr0) {
            wasm.__wbindgen_free(ptr0, len0 * 1, 1);
          }
          throw e;
        }
        const ret = wasm.readInput(ptr0, len0, ptr1, len1, ptr2, len2, val5, ptr3, len3);
        deferred6_0 = ret[0];
        deferred6_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred6_0, deferred6_1, 1);
      }
    }
    exports2.readInput = readInput;
    function readWalkedText(name, bytes) {
      let deferred3_0;
      let deferred3_1;
      try {
        let ptr0, len0, ptr1, len1;
        try {
          ptr0 = passStringToWasm0(name, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len0 = WASM_VECTOR_LEN;
          ptr1 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
          len1 = WASM_VECTOR_LEN;
        } catch (e) {
          if (ptr1) {
            wasm.__wbindgen_free(ptr1, len1 * 1, 1);
          }
          if (ptr0) {
            wasm.__wbindgen_free(ptr0, len0 * 1, 1);
          }
          throw e;
        }
        const ret = wasm.readWalkedText(ptr0, len0, ptr1, len1);
        deferred3_0 = ret[0];
        deferred3_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
      }
    }
    exports2.readWalkedText = readWalkedText;
    function rewritePins(bytes, images, tag, also) {
      let ptr0, len0, ptr1, len1, ptr2, len2, ptr3, len3;
      try {
        ptr0 = passArray8ToWasm0(bytes, wasm.__wbindgen_malloc);
        len0 = WASM_VECTOR_LEN;
        ptr1 = passArrayJsValueToWasm0(images, wasm.__wbindgen_malloc);
        len1 = WASM_VECTOR_LEN;
        ptr2 = passStringToWasm0(tag, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        len2 = WASM_VECTOR_LEN;
        ptr3 = passArrayJsValueToWasm0(also, wasm.__wbindgen_malloc);
        len3 = WASM_VECTOR_LEN;
      } catch (e) {
        if (ptr3) {
          wasm.__externref_drop_slice(ptr3, len3);
          wasm.__wbindgen_free(ptr3, len3 * 4, 4);
        }
        if (ptr2) {
          wasm.__wbindgen_free(ptr2, len2 * 1, 1);
        }
        if (ptr1) {
          wasm.__externref_drop_slice(ptr1, len1);
          wasm.__wbindgen_free(ptr1, len1 * 4, 4);
        }
        if (ptr0) {
          wasm.__wbindgen_free(ptr0, len0 * 1, 1);
        }
        throw e;
      }
      const ret = wasm.rewritePins(ptr0, len0, ptr1, len1, ptr2, len2, ptr3, len3);
      return PinRewrite.__wrap(ret);
    }
    exports2.rewritePins = rewritePins;
    function run3(request) {
      let deferred1_0;
      let deferred1_1;
      try {
        const ret = wasm.run(request);
        deferred1_0 = ret[0];
        deferred1_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
      }
    }
    exports2.run = run3;
    function tagsMatching(tags, pattern) {
      let deferred3_0;
      let deferred3_1;
      try {
        let ptr0, len0, ptr1, len1;
        try {
          ptr0 = passStringToWasm0(tags, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len0 = WASM_VECTOR_LEN;
          ptr1 = passStringToWasm0(pattern, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          len1 = WASM_VECTOR_LEN;
        } catch (e) {
          if (ptr1) {
            wasm.__wbindgen_free(ptr1, len1 * 1, 1);
          }
          if (ptr0) {
            wasm.__wbindgen_free(ptr0, len0 * 1, 1);
          }
          throw e;
        }
        const ret = wasm.tagsMatching(ptr0, len0, ptr1, len1);
        deferred3_0 = ret[0];
        deferred3_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred3_0, deferred3_1, 1);
      }
    }
    exports2.tagsMatching = tagsMatching;
    function validate(policy) {
      const ret = wasm.validate(policy);
      return ret;
    }
    exports2.validate = validate;
    function version() {
      let deferred1_0;
      let deferred1_1;
      try {
        const ret = wasm.version();
        deferred1_0 = ret[0];
        deferred1_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred1_0, deferred1_1, 1);
      }
    }
    exports2.version = version;
    function visible2(s) {
      let deferred2_0;
      let deferred2_1;
      try {
        const ptr0 = passStringToWasm0(s, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
        const len0 = WASM_VECTOR_LEN;
        const ret = wasm.visible(ptr0, len0);
        deferred2_0 = ret[0];
        deferred2_1 = ret[1];
        return getStringFromWasm0(ret[0], ret[1]);
      } finally {
        wasm.__wbindgen_free(deferred2_0, deferred2_1, 1);
      }
    }
    exports2.visible = visible2;
    function __wbg_get_imports() {
      const import0 = {
        __proto__: null,
        __wbg___wbindgen_is_null_c22311b1cc228e3a: function(arg0) {
          const ret = arg0 === null;
          return ret;
        },
        __wbg___wbindgen_is_string_fc456fee5d3317de: function(arg0) {
          const ret = typeof arg0 === "string";
          return ret;
        },
        __wbg___wbindgen_is_undefined_be5b34249ff1fc15: function(arg0) {
          const ret = arg0 === void 0;
          return ret;
        },
        __wbg___wbindgen_memory_17a1178bc3328ea3: function() {
          const ret = wasm.memory;
          return ret;
        },
        __wbg___wbindgen_string_get_7ce8eee7fd327545: function(arg0, arg1) {
          const obj = arg1;
          const ret = typeof obj === "string" ? obj : void 0;
          var ptr1 = isLikeNone(ret) ? 0 : passStringToWasm0(ret, wasm.__wbindgen_malloc, wasm.__wbindgen_realloc);
          var len1 = WASM_VECTOR_LEN;
          getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 1, len1, true);
          getDataViewMemory0().setInt32((arg0 >>> 0) + 4 * 0, ptr1, true);
        },
        __wbg___wbindgen_throw_4c88d8bf264fd984: function(arg0, arg1) {
          throw new Error(getStringFromWasm0(arg0, arg1));
        },
        __wbg_buffer_7779c4e731ea361e: function(arg0) {
          const ret = arg0.buffer;
          return ret;
        },
        __wbg_encodeInto_4ddb349e22b21378: function(arg0, arg1, arg2) {
          const ret = arg0.encodeInto(arg1, arg2);
          return ret;
        },
        __wbg_length_8e78ad3742ea86a5: function(arg0) {
          const ret = arg0.length;
          return ret;
        },
        __wbg_loadedpolicy_new: function(arg0) {
          const ret = LoadedPolicy.__wrap(arg0);
          return ret;
        },
        __wbg_new_f05662fff88f890c: function() {
          const ret = new TextEncoder();
          return ret;
        },
        __wbg_parse_25d9c4a77b6e75e9: function(arg0, arg1) {
          const ret = JSON.parse(getStringFromWasm0(arg0, arg1));
          return ret;
        },
        __wbg_read_123455b2932efde3: function(arg0) {
          const ret = arg0.read;
          return ret;
        },
        __wbg_stringify_8dd7cac59e72542c: function(arg0) {
          const ret = JSON.stringify(arg0);
          return ret;
        },
        __wbg_view_8c1f289ed8e71215: function(arg0, arg1, arg2) {
          const ret = new Uint8Array(arg0, arg1 >>> 0, arg2 >>> 0);
          return ret;
        },
        __wbg_written_65d695927fdf313c: function(arg0) {
          const ret = arg0.written;
          return ret;
        },
        __wbindgen_generic_0000000000000001: function(arg0, arg1) {
          const ret = getStringFromWasm0(arg0, arg1);
          return ret;
        },
        __wbindgen_init_externref_table: function() {
          const table = wasm.__wbindgen_externrefs;
          table.set(0, void 0);
          table.set(1024, void 0);
          table.set(1025, null);
          table.set(1026, true);
          table.set(1027, false);
        }
      };
      return {
        __proto__: null,
        "./imprint_bg.js": import0
      };
    }
    var LoadedPolicyFinalization = typeof FinalizationRegistry === "undefined" ? { register: () => {
    }, unregister: () => {
    } } : new FinalizationRegistry((ptr) => wasm.__wbg_loadedpolicy_free(ptr, 1));
    var PinRewriteFinalization = typeof FinalizationRegistry === "undefined" ? { register: () => {
    }, unregister: () => {
    } } : new FinalizationRegistry((ptr) => wasm.__wbg_pinrewrite_free(ptr, 1));
    function addToExternrefTable0(obj) {
      const idx = wasm.__externref_table_alloc();
      wasm.__wbindgen_externrefs.set(idx, obj);
      return idx;
    }
    function getArrayJsValueFromWasm0(ptr, len) {
      ptr = ptr >>> 0;
      const mem = getDataViewMemory0();
      const result = [];
      for (let i = ptr; i < ptr + 4 * len; i += 4) {
        result.push(wasm.__wbindgen_externrefs.get(mem.getUint32(i, true)));
      }
      wasm.__externref_drop_slice(ptr, len);
      return result;
    }
    function getArrayU8FromWasm0(ptr, len) {
      ptr = ptr >>> 0;
      return getUint8ArrayMemory0().subarray(ptr / 1, ptr / 1 + len);
    }
    var cachedDataViewMemory0 = null;
    function getDataViewMemory0() {
      if (cachedDataViewMemory0 === null || cachedDataViewMemory0.buffer.detached === true || cachedDataViewMemory0.buffer.detached === void 0 && cachedDataViewMemory0.buffer !== wasm.memory.buffer) {
        cachedDataViewMemory0 = new DataView(wasm.memory.buffer);
      }
      return cachedDataViewMemory0;
    }
    function getStringFromWasm0(ptr, len) {
      ptr = ptr >>> 0;
      return decodeText(getUint8ArrayMemory0().subarray(ptr, ptr + len));
    }
    var cachedUint8ArrayMemory0 = null;
    function getUint8ArrayMemory0() {
      if (cachedUint8ArrayMemory0 === null || cachedUint8ArrayMemory0.byteLength === 0) {
        cachedUint8ArrayMemory0 = new Uint8Array(wasm.memory.buffer);
      }
      return cachedUint8ArrayMemory0;
    }
    function isLikeNone(x) {
      return x === void 0 || x === null;
    }
    function passArray8ToWasm0(arg, malloc) {
      const ptr = malloc(arg.length * 1, 1) >>> 0;
      getUint8ArrayMemory0().set(arg, ptr / 1);
      WASM_VECTOR_LEN = arg.length;
      return ptr;
    }
    function passArrayJsValueToWasm0(array, malloc) {
      const ptr = malloc(array.length * 4, 4) >>> 0;
      for (let i = 0; i < array.length; i++) {
        const add = addToExternrefTable0(array[i]);
        getDataViewMemory0().setUint32(ptr + 4 * i, add, true);
      }
      WASM_VECTOR_LEN = array.length;
      return ptr;
    }
    function passStringToWasm0(arg, malloc, realloc) {
      if (realloc === void 0) {
        const buf = cachedTextEncoder.encode(arg);
        const ptr2 = malloc(buf.length, 1) >>> 0;
        getUint8ArrayMemory0().subarray(ptr2, ptr2 + buf.length).set(buf);
        WASM_VECTOR_LEN = buf.length;
        return ptr2;
      }
      let len = arg.length;
      let ptr = malloc(len, 1) >>> 0;
      const mem = getUint8ArrayMemory0();
      let offset = 0;
      for (; offset < len; offset++) {
        const code = arg.charCodeAt(offset);
        if (code > 127) break;
        mem[ptr + offset] = code;
      }
      if (offset !== len) {
        if (offset !== 0) {
          arg = arg.slice(offset);
        }
        ptr = realloc(ptr, len, len = offset + arg.length * 3, 1) >>> 0;
        const view = getUint8ArrayMemory0().subarray(ptr + offset, ptr + len);
        const ret = cachedTextEncoder.encodeInto(arg, view);
        offset += ret.written;
        ptr = realloc(ptr, len, offset, 1) >>> 0;
      }
      WASM_VECTOR_LEN = offset;
      return ptr;
    }
    var cachedTextDecoder = new TextDecoder("utf-8", { ignoreBOM: true });
    cachedTextDecoder.decode();
    function decodeText(bytes) {
      return cachedTextDecoder.decode(bytes);
    }
    var cachedTextEncoder = new TextEncoder();
    if (!("encodeInto" in cachedTextEncoder)) {
      cachedTextEncoder.encodeInto = function(arg, view) {
        const buf = cachedTextEncoder.encode(arg);
        view.set(buf);
        return {
          read: arg.length,
          written: buf.length
        };
      };
    }
    var WASM_VECTOR_LEN = 0;
    var wasmPath = `${__dirname}/imprint_bg.wasm`;
    var wasmBytes = require("fs").readFileSync(wasmPath);
    var wasmModule = new WebAssembly.Module(wasmBytes);
    var wasmInstance = new WebAssembly.Instance(wasmModule, __wbg_get_imports());
    var wasm = wasmInstance.exports;
    wasm.__wbindgen_start();
  }
});

// src/flags.mjs
var import_node_v8 = require("node:v8");
if (!process.env.IMPRINT_NODE_TIER_UP) (0, import_node_v8.setFlagsFromString)("--liftoff-only");

// src/engine.mjs
var engine = __toESM(require_imprint(), 1);
var engine_default = engine;
function run2(request) {
  const text = engine.run(JSON.stringify(request));
  return { text, answer: JSON.parse(text) };
}

// src/host/diag.mjs
var import_node_fs = require("node:fs");
function line(kind, message) {
  try {
    (0, import_node_fs.writeSync)(2, `imprint: ${kind}: ${message}
`);
  } catch {
  }
}
var warn = (message) => line("warning", message);
var error = (message) => line("error", message);
function writeOut(text) {
  const bytes = Buffer.from(text, "utf8");
  let off = 0;
  while (off < bytes.length) {
    try {
      off += (0, import_node_fs.writeSync)(1, bytes, off, bytes.length - off);
    } catch (e) {
      if (e.code === "EPIPE") return;
      if (e.code === "EAGAIN") continue;
      throw e;
    }
  }
}

// src/host/errors.mjs
var Status = Object.freeze({ Ok: 0, CheckFailed: 1, Error: 2 });
var HostError = class extends Error {
};
var OS_ERRORS = {
  EPERM: [1, "Operation not permitted"],
  ENOENT: [2, "No such file or directory"],
  EINTR: [4, "Interrupted system call"],
  EIO: [5, "Input/output error"],
  ENXIO: [6, "No such device or address"],
  E2BIG: [7, "Argument list too long"],
  EBADF: [9, "Bad file descriptor"],
  EAGAIN: [11, "Resource temporarily unavailable"],
  ENOMEM: [12, "Cannot allocate memory"],
  EACCES: [13, "Permission denied"],
  EBUSY: [16, "Device or resource busy"],
  EEXIST: [17, "File exists"],
  EXDEV: [18, "Invalid cross-device link"],
  ENODEV: [19, "No such device"],
  ENOTDIR: [20, "Not a directory"],
  EISDIR: [21, "Is a directory"],
  EINVAL: [22, "Invalid argument"],
  ENFILE: [23, "Too many open files in system"],
  EMFILE: [24, "Too many open files"],
  ETXTBSY: [26, "Text file busy"],
  EFBIG: [27, "File too large"],
  ENOSPC: [28, "No space left on device"],
  EROFS: [30, "Read-only file system"],
  EMLINK: [31, "Too many links"],
  EPIPE: [32, "Broken pipe"],
  ENAMETOOLONG: [36, "File name too long"],
  ENOTEMPTY: [39, "Directory not empty"],
  ELOOP: [40, "Too many levels of symbolic links"],
  EDQUOT: [122, "Disk quota exceeded"]
};
function ioText(err) {
  if (err && typeof err.code === "string" && typeof err.errno === "number") {
    const known = OS_ERRORS[err.code];
    if (known) return `${known[1]} (os error ${known[0]})`;
    return `${err.code} (os error ${Math.abs(err.errno)})`;
  }
  return err?.message ?? String(err);
}
function custom(message) {
  return { message };
}
var visible = (s) => s;
function showPathsWith(fn) {
  visible = fn;
}
function ioError(path, err) {
  return new HostError(`${visible(path)}: ${ioText(err)}`);
}
function osError(code) {
  const e = new Error(code);
  e.code = code;
  e.errno = -(OS_ERRORS[code]?.[0] ?? 0);
  return e;
}

// src/cmd/check.mjs
var import_node_fs7 = require("node:fs");

// src/host/files.mjs
var import_node_fs2 = require("node:fs");

// src/host/paths.mjs
function join(base, name) {
  if (name.startsWith("/")) return name;
  if (base === "") return name;
  return base.endsWith("/") ? `${base}${name}` : `${base}/${name}`;
}
function components(p) {
  const out = [];
  if (p.startsWith("/")) out.push("/");
  const parts = p.split("/");
  parts.forEach((c, i) => {
    if (c === "") return;
    if (c === "." && !(i === 0 && !p.startsWith("/"))) return;
    out.push(c);
  });
  return out;
}
function fromComponents(cs) {
  if (cs.length === 0) return "";
  if (cs[0] === "/") return `/${cs.slice(1).join("/")}`;
  return cs.join("/");
}
function startsWith(p, base) {
  const a = components(p);
  const b = components(base);
  return b.length <= a.length && b.every((c, i) => a[i] === c);
}
function fileName(p) {
  const cs = components(p);
  const last = cs[cs.length - 1];
  return last === void 0 || last === "/" || last === ".." ? void 0 : last;
}
function parent(p) {
  const cs = components(p);
  if (cs.length <= 1) return cs[0] === "/" ? void 0 : "";
  return fromComponents(cs.slice(0, -1));
}

// src/host/files.mjs
var INPUT_LIMIT = 64 << 20;
var READ_LIMIT = 1 << 20;
function notRegularMessage(st) {
  const what = st.isDirectory() ? "a directory" : st.isFIFO() ? "a FIFO" : st.isCharacterDevice() ? "a character device" : st.isBlockDevice() ? "a block device" : st.isSocket() ? "a socket" : "a special file";
  return `not a regular file (it is ${what}); only regular files are read`;
}
function notRegular(path, st) {
  if (st.isDirectory()) return ioError(path, osError("EISDIR"));
  return ioError(path, custom(notRegularMessage(st)));
}
function openRegular(path) {
  let st;
  try {
    st = (0, import_node_fs2.statSync)(path);
  } catch (e) {
    throw ioError(path, e);
  }
  if (!st.isFile()) throw notRegular(path, st);
  let fd;
  try {
    fd = (0, import_node_fs2.openSync)(path, import_node_fs2.constants.O_RDONLY | import_node_fs2.constants.O_NONBLOCK);
  } catch (e) {
    throw ioError(path, e);
  }
  const now = (0, import_node_fs2.fstatSync)(fd);
  if (!now.isFile()) {
    (0, import_node_fs2.closeSync)(fd);
    throw notRegular(path, now);
  }
  return fd;
}
function readUpTo(fd, limit) {
  const chunks = [];
  let total = 0;
  const buf = Buffer.allocUnsafe(1 << 16);
  for (; ; ) {
    let n;
    try {
      n = (0, import_node_fs2.readSync)(fd, buf, 0, Math.min(buf.length, limit + 1 - total), null);
    } catch (e) {
      if (e.code === "EAGAIN") continue;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
    total += n;
    if (total > limit) break;
  }
  return Buffer.concat(chunks);
}
function tooLarge() {
  return custom(`larger than the ${INPUT_LIMIT >> 20} MiB input limit`);
}
function readPrefix(path) {
  const fd = openRegular(path);
  try {
    const bytes = readUpTo(fd, INPUT_LIMIT);
    return { bytes: bytes.subarray(0, INPUT_LIMIT), whole: bytes.length <= INPUT_LIMIT };
  } catch (e) {
    throw ioError(path, e);
  } finally {
    (0, import_node_fs2.closeSync)(fd);
  }
}
function readFile(path) {
  const { bytes, whole } = readPrefix(path);
  if (!whole) throw ioError(path, tooLarge());
  return bytes;
}
function readStdin(name) {
  let bytes;
  try {
    bytes = readUpTo(0, INPUT_LIMIT);
  } catch (e) {
    if (e.code === "EOF") return Buffer.alloc(0);
    throw ioError(name, e);
  }
  if (bytes.length > INPUT_LIMIT) throw ioError(name, tooLarge());
  return bytes;
}
function readText(path) {
  let st;
  try {
    st = (0, import_node_fs2.statSync)(path);
  } catch (e) {
    if (e.code === "ENOENT") return null;
    return { why: ioText(e) };
  }
  if (!st.isFile()) return { why: notRegularMessage(st) };
  let fd;
  try {
    fd = (0, import_node_fs2.openSync)(path, import_node_fs2.constants.O_RDONLY | import_node_fs2.constants.O_NONBLOCK);
  } catch (e) {
    return { why: ioText(e) };
  }
  try {
    const now = (0, import_node_fs2.fstatSync)(fd);
    if (!now.isFile()) return { why: notRegularMessage(now) };
    const bytes = readUpTo(fd, READ_LIMIT);
    if (bytes.length > READ_LIMIT) return { why: `larger than the ${READ_LIMIT}-byte limit` };
    const text = utf8(bytes);
    return text === void 0 ? { why: "not UTF-8 text" } : { text };
  } catch (e) {
    return { why: ioText(e) };
  } finally {
    (0, import_node_fs2.closeSync)(fd);
  }
}
function utf8(bytes) {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return void 0;
  }
}
function sortedEntries(dir) {
  let entries;
  try {
    entries = (0, import_node_fs2.readdirSync)(dir, { withFileTypes: true });
  } catch (e) {
    throw ioError(dir, e);
  }
  return entries.sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
}
function walk(dir, out) {
  for (const e of sortedEntries(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory()) walk(path, out);
    else if (e.isFile()) out.push(path);
    else if (e.isSymbolicLink()) {
      try {
        if ((0, import_node_fs2.statSync)(path).isFile()) out.push(path);
      } catch {
      }
    }
  }
}
function isExecutable(path) {
  try {
    return ((0, import_node_fs2.statSync)(path).mode & 73) !== 0;
  } catch {
    return false;
  }
}
function exists(path) {
  try {
    (0, import_node_fs2.statSync)(path);
    return true;
  } catch {
    return false;
  }
}
function isDir(path) {
  try {
    return (0, import_node_fs2.statSync)(path).isDirectory();
  } catch {
    return false;
  }
}
function lstat(path) {
  try {
    return { st: (0, import_node_fs2.lstatSync)(path) };
  } catch (e) {
    return { err: e };
  }
}

// src/host/policy.mjs
var import_node_fs3 = require("node:fs");
function unknownBuiltin(name) {
  return new HostError(`--policy \`${name}\`: no such file and no builtin policy of that name (builtins: ${engine_default.builtinNames().join(", ")})`);
}
function loadPolicy(spec) {
  const looksLikePath = spec.includes("/") || spec.includes("\\") || spec.endsWith(".json");
  if (!looksLikePath) {
    const text2 = engine_default.policyText(spec);
    if (text2 !== void 0) return loaded(text2, `builtin:${spec}`);
  }
  if (!exists(spec)) {
    throw looksLikePath ? ioError(spec, custom("policy file not found")) : unknownBuiltin(spec);
  }
  const limit = engine_default.policyLimit();
  const fd = openRegular(spec);
  let bytes;
  let size;
  try {
    bytes = readUpTo(fd, limit);
    const st = (0, import_node_fs3.fstatSync)(fd);
    size = st.isFile() ? st.size : void 0;
  } catch (e) {
    throw ioError(spec, e);
  } finally {
    (0, import_node_fs3.closeSync)(fd);
  }
  if (bytes.length > limit) throw new HostError(engine_default.policyTooLarge(spec, size));
  const text = utf8(bytes);
  if (text === void 0) throw ioError(spec, custom("policy is not UTF-8"));
  return loaded(text, spec);
}
function loaded(text, origin) {
  const got = JSON.parse(engine_default.policyInfo(text, origin));
  if (got.error !== void 0) throw new HostError(got.error);
  return { text, origin, info: got.policy };
}

// src/host/context.mjs
var import_node_fs5 = require("node:fs");
var import_node_os = require("node:os");

// src/host/run.mjs
var import_node_child_process = require("node:child_process");
var import_node_fs4 = require("node:fs");
var OUTPUT_LIMIT = 1 << 20;
var STDERR_LIMIT = 16 << 10;
function findProgram(program) {
  if (program.includes("/")) return program;
  const path = process.env.PATH ?? "/usr/bin:/bin";
  for (const dir of path.split(":")) {
    if (!dir.startsWith("/")) continue;
    const candidate = join(dir, program);
    try {
      if ((0, import_node_fs4.statSync)(candidate).isFile()) {
        (0, import_node_fs4.accessSync)(candidate, import_node_fs4.constants.X_OK);
        return candidate;
      }
    } catch {
    }
  }
  return void 0;
}
function runBounded(program, args, { cwd, env, timeoutMs, keepStderr }) {
  return new Promise((resolve) => {
    let child;
    try {
      child = (0, import_node_child_process.spawn)(program, args, {
        cwd,
        env: env ?? process.env,
        stdio: ["ignore", "pipe", keepStderr ? "pipe" : "ignore"],
        detached: true
      });
    } catch (e) {
      resolve(e.code === "ENOENT" ? { notFound: true } : { failed: e.message });
      return;
    }
    const out = [];
    let outLen = 0;
    const err = [];
    let errLen = 0;
    let exited = null;
    let outEnded = false;
    let settled = false;
    const killGroup = () => {
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
      }
    };
    const settle = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(value);
    };
    const timer = setTimeout(() => {
      const escaped = descendants(child.pid);
      killGroup();
      for (const pid of escaped) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
        }
      }
      settle({ timedOut: true });
    }, timeoutMs);
    child.on("error", (e) => settle(e.code === "ENOENT" ? { notFound: true } : { failed: e.message }));
    child.stdout.on("data", (chunk) => {
      out.push(chunk);
      outLen += chunk.length;
      if (outLen > OUTPUT_LIMIT) {
        killGroup();
        settle({ tooLarge: Buffer.concat(out).subarray(0, OUTPUT_LIMIT) });
      }
    });
    child.stderr?.on("data", (chunk) => {
      if (errLen < STDERR_LIMIT) {
        err.push(chunk);
        errLen += chunk.length;
      }
    });
    const finish = () => {
      if (exited === null || !outEnded) return;
      killGroup();
      settle({ done: { stdout: Buffer.concat(out), stderr: Buffer.concat(err).subarray(0, STDERR_LIMIT), code: exited.code } });
    };
    child.stdout.on("end", () => {
      outEnded = true;
      finish();
    });
    child.on("exit", (code, signal) => {
      exited = { code: signal ? null : code };
      setImmediate(finish);
    });
  });
}
function descendants(root) {
  const parentOf = /* @__PURE__ */ new Map();
  let pids;
  try {
    pids = (0, import_node_fs4.readdirSync)("/proc").filter((n) => /^[0-9]+$/.test(n));
  } catch {
    return [];
  }
  for (const pid of pids) {
    try {
      const stat = (0, import_node_fs4.readFileSync)(`/proc/${pid}/stat`, "utf8");
      const rest = stat.slice(stat.lastIndexOf(")") + 1).trim().split(/\s+/);
      if (rest[0] !== "Z") parentOf.set(Number(pid), Number(rest[1]));
    } catch {
    }
  }
  const found = [];
  const frontier = [root];
  while (frontier.length > 0) {
    const p = frontier.pop();
    for (const [pid, ppid] of parentOf) {
      if (ppid === p && !found.includes(pid)) {
        found.push(pid);
        frontier.push(pid);
      }
    }
  }
  return found;
}

// src/host/context.mjs
function readInRepo(repo, root, file) {
  if (file.startsWith("/")) return { why: `\`${file}\` is not a path relative to the repository directory` };
  const path = join(repo, file);
  let realRoot;
  try {
    realRoot = (0, import_node_fs5.realpathSync)(root);
  } catch (e) {
    return { why: `${root}: ${ioText(e)}` };
  }
  let base;
  try {
    base = (0, import_node_fs5.realpathSync)(repo);
  } catch (e) {
    return { why: `${repo}: ${ioText(e)}` };
  }
  const lexical = [];
  for (const c of components(join(base, file))) {
    if (c === "..") {
      if (lexical.length > 0 && lexical[lexical.length - 1] !== "/") lexical.pop();
    } else if (c !== ".") lexical.push(c);
  }
  const lex = fromComponents(lexical);
  if (!startsWith(lex, realRoot)) {
    if (lstat(lex).err) return null;
    return {
      why: `\`${file}\` leads outside the repository (to ${lex}, outside ${realRoot}); imprint reads only files inside the checkout, or inside --root DIR`
    };
  }
  const l = lstat(path);
  if (l.err) return l.err.code === "ENOENT" ? null : { why: `${path}: ${ioText(l.err)}` };
  let real;
  try {
    real = (0, import_node_fs5.realpathSync)(path);
  } catch (e) {
    return e.code === "ENOENT" ? null : { why: `${path}: ${ioText(e)}` };
  }
  if (!startsWith(real, realRoot)) {
    return {
      why: `${path} leads outside the repository (to ${real}, outside ${realRoot}); imprint reads only files inside the checkout, or inside --root DIR`
    };
  }
  const got = readText(path);
  if (got === null || got.text !== void 0) return got;
  return { why: `${path}: ${got.why}` };
}
function machineArch() {
  try {
    const a = (0, import_node_fs5.readFileSync)("/proc/sys/kernel/arch", "utf8").trim();
    if (a !== "") return a;
  } catch {
  }
  return (0, import_node_os.machine)();
}
async function runCommand(argv, opts) {
  const [prog, ...args] = argv;
  if (prog === void 0) return { outcome: "failed", reason: "empty command" };
  if (!opts.allowCommands.includes(prog)) return { outcome: "not_allowed" };
  const program = findProgram(prog);
  if (program === void 0) return { outcome: "not_found" };
  const r = await runBounded(program, args, { cwd: opts.repo, timeoutMs: opts.timeoutS * 1e3, keepStderr: false });
  if (r.notFound) return { outcome: "not_found" };
  if (r.timedOut) return { outcome: "timed_out" };
  if (r.tooLarge) return { outcome: "failed", reason: `output is larger than ${1 << 20} bytes` };
  if (r.failed !== void 0) return { outcome: "failed", reason: r.failed };
  let s;
  try {
    s = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(r.done.stdout);
  } catch {
    return { outcome: "failed", reason: "output is not UTF-8" };
  }
  return { outcome: "output", stdout: s.replace(/\n+$/, "") };
}

// src/host/git.mjs
var import_node_fs6 = require("node:fs");
var RELOCATING_VARS = [
  "GIT_DIR",
  "GIT_WORK_TREE",
  "GIT_INDEX_FILE",
  "GIT_OBJECT_DIRECTORY",
  "GIT_ALTERNATE_OBJECT_DIRECTORIES",
  "GIT_COMMON_DIR",
  "GIT_NAMESPACE",
  "GIT_PREFIX"
];
var HEAD_ARGS = ["rev-parse", "--verify", "-q", "HEAD^{commit}"];
var TOO_LARGE = `it printed more than ${OUTPUT_LIMIT} bytes, more than imprint reads`;
var NOT_UTF8 = "it printed text that is not UTF-8";
var utf82 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
var TAGS_ARGS = ["tag", "--no-column", "--points-at", "HEAD"];
var GitHung = class extends Error {
};
function said(stderr) {
  return stderr === "" ? "(git printed no message)" : stderr;
}
function firstLine(bytes) {
  const text = bytes.toString("utf8");
  const line2 = text.split(/\r\n|\n/).map((l) => l.trim()).find((l) => l !== "") ?? "";
  return [...line2.replace(/[\u0000-\u001f\u007f-\u009f]/g, "")].slice(0, 300).join("");
}
function dotGitAbove(dir) {
  let start;
  try {
    start = (0, import_node_fs6.realpathSync)(dir);
  } catch {
    return void 0;
  }
  const ceilings = (process.env.GIT_CEILING_DIRECTORIES ?? "").split(":").filter(Boolean).flatMap((p) => {
    try {
      return [(0, import_node_fs6.realpathSync)(p)];
    } catch {
      return [];
    }
  });
  const cs = components(start);
  for (let n = cs.length; n >= 1; n--) {
    const d = fromComponents(cs.slice(0, n));
    if (ceilings.includes(d) && d !== start) return void 0;
    const candidate = join(d, ".git");
    try {
      (0, import_node_fs6.lstatSync)(candidate);
      return candidate;
    } catch {
    }
  }
  return void 0;
}
var Checkout = class _Checkout {
  /**
   * @param {string} dir
   * @param {number} timeoutS  seconds one git call may take
   */
  static async probe(dir, timeoutS) {
    const c = new _Checkout(dir, timeoutS);
    const dotGit = dotGitAbove(dir);
    if (c.git === void 0) {
      if (dotGit !== void 0) {
        c.state = { refused: `git is not on PATH, but ${dir} is a git checkout (${dotGit}): install git, or put it on PATH` };
      }
      return c;
    }
    let r = await c.run(["rev-parse", "--is-inside-work-tree", "--show-toplevel", ...HEAD_ARGS.slice(1)]);
    const first = (s) => (s ?? "").split("\n")[0];
    if (r.ok && first(r.stdout) === "true") {
      const sha = r.stdout.split("\n")[2];
      c.head = sha !== void 0 ? { known: sha.trim() } : { failed: `\`git ${HEAD_ARGS.join(" ")}\` failed in ${dir}: it named no commit` };
    } else if (!r.ok && first(r.stdout) === "true") {
      c.head = r.code === 1 && r.stderr === "" ? { absent: true } : c.failed(HEAD_ARGS, r.stderr);
      r = { ok: true, stdout: r.stdout };
    } else if (!r.ok && first(r.stdout) === "false") {
      r = { ok: true, stdout: r.stdout };
    }
    if (r.ok) {
      const lines = r.stdout.split("\n");
      if (lines[0] === "true") {
        c.top = lines[1];
        c.state = { repo: true };
      } else if (lines[0] === "false" || dotGit === void 0) {
        c.state = { notRepo: true };
      } else {
        c.state = {
          refused: `\`git rev-parse --is-inside-work-tree\` answered \`${escapeDebug(r.stdout.trim())}\` in the checkout ${dotGit}, not \`true\`: is \`${c.git}\` really git?`
        };
      }
    } else if (r.unreadable) {
      c.state = {
        refused: `\`git rev-parse --is-inside-work-tree --show-toplevel\` in ${dir}: ${r.stderr} (is \`${c.git}\` really git, and is the checkout's path UTF-8?)`
      };
    } else if (r.stderr.includes("dubious ownership")) {
      const top = dotGit !== void 0 ? parent(dotGit) || dir : dir;
      c.state = {
        refused: `git refused the checkout ${top}: it is owned by another user (git's safe.directory check, "dubious ownership"); if you trust it, run \`git config --global --add safe.directory ${top}\` (in a CI container: the checkout is owned by the runner's user)`
      };
    } else if (dotGit === void 0 && r.stderr.includes("not a git repository")) {
      c.state = { notRepo: true };
    } else if (dotGit !== void 0) {
      c.state = { refused: `${dotGit} is not a usable git repository: git says \`${said(r.stderr)}\`` };
    } else {
      c.state = { refused: `\`git rev-parse\` failed in ${dir}: \`${said(r.stderr)}\`` };
    }
    return c;
  }
  constructor(dir, timeoutS) {
    this.dir = dir;
    this.timeoutS = timeoutS;
    this.git = findProgram("git");
    this.state = { notRepo: true };
    this.head = void 0;
    this.top = void 0;
    this.env = { ...process.env };
    for (const v of RELOCATING_VARS) delete this.env[v];
    this.env.GIT_OPTIONAL_LOCKS = "0";
  }
  /** The checkout's top-level directory, when git named one. */
  topLevel() {
    return this.top;
  }
  /**
   * Runs git: `{ ok, stdout }` or `{ ok: false, code, stderr }`, with
   * `unreadable` when git printed more than imprint reads or text that is
   * not UTF-8; throws GitHung.
   */
  async run(args) {
    if (this.git === void 0) return { ok: false, code: null, stderr: "git is not on PATH" };
    const r = await runBounded(this.git, args, { cwd: this.dir, env: this.env, timeoutMs: this.timeoutS * 1e3, keepStderr: true });
    if (r.done && r.done.code === 0) {
      try {
        return { ok: true, stdout: utf82.decode(r.done.stdout) };
      } catch {
        return { ok: false, unreadable: true, code: null, stderr: NOT_UTF8, stdout: "" };
      }
    }
    if (r.done) return { ok: false, code: r.done.code, stderr: firstLine(r.done.stderr), stdout: r.done.stdout.toString("utf8") };
    if (r.tooLarge) return { ok: false, unreadable: true, code: null, stderr: TOO_LARGE, stdout: "" };
    if (r.notFound) return { ok: false, code: null, stderr: "git is not on PATH" };
    if (r.failed !== void 0) return { ok: false, code: null, stderr: r.failed };
    throw new GitHung(
      `\`git ${args.join(" ")}\` in ${this.dir} did not finish within ${this.timeoutS} s (--git-timeout); imprint will not guess git facts`
    );
  }
  failed(args, stderr) {
    return { failed: `\`git ${args.join(" ")}\` failed in ${this.dir}: ${said(stderr)}` };
  }
  /** The default branch from `origin/HEAD`: known, absent, or failed (a broken `origin/HEAD`). */
  async defaultBranch() {
    if (this.state.notRepo) return { absent: true };
    if (this.state.refused) return { failed: this.state.refused };
    const args = ["symbolic-ref", "-q", "refs/remotes/origin/HEAD"];
    const r = await this.run(args);
    if (!r.ok) return r.code === 1 && r.stderr === "" ? { absent: true } : this.failed(args, r.stderr);
    return this.refUnder(args, r.stdout, "refs/remotes/origin/");
  }
  /** The name `git args` printed, below `prefix`; anything else fails, naming what git said. */
  refUnder(args, printed, prefix) {
    const name = printed.trim();
    if (name.startsWith(prefix) && name.length > prefix.length) return { known: name.slice(prefix.length) };
    return { failed: `\`git ${args.join(" ")}\` in ${this.dir} names \`${name}\`, not a ref under \`${prefix}\`` };
  }
  /**
   * Facts by key, read at the same time (HEAD first); each distinct git
   * command runs once, and the facts about HEAD's commit (`short`,
   * `short=N`, `commit_time`) are read together by `git show` (see
   * `commitQueries`). A `tag=PATTERN` fact is picked from the list of the
   * tags on HEAD by `tagsMatching(tags, pattern)` (the engine's, matching
   * as `git tag --list` does).
   */
  async facts(keys, tagsMatching) {
    const onCommit = this.state.repo && this.head?.known !== void 0;
    const fields = onCommit ? keys.filter(isCommitField) : [];
    const shows = commitQueries(fields);
    const shown = shows.map((f) => this.run(showArgs(f)));
    for (const p of shown) p.catch(() => {
    });
    const once = /* @__PURE__ */ new Map();
    const run3 = (args) => {
      const key = args.join("\0");
      if (!once.has(key)) {
        const p = this.run(args);
        p.catch(() => {
        });
        once.set(key, p);
      }
      return once.get(key);
    };
    return Promise.all(
      keys.map((k) => fields.includes(k) ? this.commitField(k, shows, shown) : this.factAfterHead(k, run3, tagsMatching))
    );
  }
  /** One field of HEAD's commit from the `git show` that printed it. */
  async commitField(key, shows, shown) {
    const i = shows.findIndex((f) => f.includes(key));
    const args = showArgs(shows[i]);
    const r = await shown[i];
    if (!r.ok) return this.failed(args, r.stderr);
    const v = (r.stdout.split("\n")[shows[i].indexOf(key)] ?? "").trim();
    if (v !== "") return { known: v };
    const name = key === "commit_time" ? "commit time" : "abbreviated commit id";
    return { failed: `\`git ${args.join(" ")}\` failed in ${this.dir}: it printed no ${name}` };
  }
  async factAfterHead(key, run3, tagsMatching) {
    if (this.state.notRepo) return { absent: true };
    if (this.state.refused) return { failed: this.state.refused };
    const head = this.head;
    const must = async (args) => {
      const r = await run3(args);
      return r.ok ? { known: r.stdout } : this.failed(args, r.stderr);
    };
    if (key === "is_repo") return { known: "true" };
    if (key === "sha") return head;
    if (isCommitField(key)) return head;
    if (key === "dirty") {
      const args = ["status", "--porcelain", "-z"];
      const r = await run3(args);
      if (r.unreadable) return { known: "true" };
      if (!r.ok) return this.failed(args, r.stderr);
      return { known: r.stdout === "" ? "" : "true" };
    }
    if (key === "tags" || key.startsWith("tag=")) {
      if (head.known === void 0) return head.absent ? { known: "" } : head;
      const f = await must(TAGS_ARGS);
      if (f.known === void 0 || key === "tags") return f;
      return { known: tagsMatching(f.known, key.slice("tag=".length)) };
    }
    if (key === "branch") {
      const args = ["symbolic-ref", "-q", "HEAD"];
      const r = await run3(args);
      if (r.ok) return this.refUnder(args, r.stdout, "refs/heads/");
      if (r.code === 1 && r.stderr === "") return { known: "" };
      return this.failed(args, r.stderr);
    }
    if (key === "name") {
      if (this.top === void 0) return { failed: `git named no top-level directory for ${this.dir}` };
      const n = fileName(this.top);
      return n === void 0 ? { absent: true } : { known: n };
    }
    if (key === "remote_url") {
      const args = ["remote", "get-url", "origin"];
      const r = await run3(args);
      if (r.ok) return { known: r.stdout.trim() };
      if (r.code === 2 && r.stderr.includes("No such remote")) return { absent: true };
      return this.failed(args, r.stderr);
    }
    return { failed: `unknown git fact ${key}` };
  }
};
function isCommitField(key) {
  return key === "short" || key.startsWith("short=") || key === "commit_time";
}
function commitQueries(keys) {
  const shows = [];
  for (const k of keys) {
    if (k !== "commit_time" && !shows.some((s) => s[0] === k)) shows.push([k]);
  }
  if (keys.includes("commit_time")) {
    if (shows.length > 0) shows[0].push("commit_time");
    else shows.push(["commit_time"]);
  }
  return shows;
}
function showArgs(keys) {
  const args = ["show", "-s", "--no-show-signature"];
  const format = [];
  for (const k of keys) {
    if (k === "commit_time") {
      format.push("%ct");
    } else {
      if (k.startsWith("short=")) args.push(`--abbrev=${k.slice("short=".length)}`);
      format.push("%h");
    }
  }
  args.push(`--format=${format.join("%n")}`, "HEAD", "--");
  return args;
}
function escapeDebug(s) {
  return s.replace(/[\\'"\n\r\t\0]/g, (c) => ({ "\\": "\\\\", "'": "\\'", '"': '\\"', "\n": "\\n", "\r": "\\r", "	": "\\t", "\0": "\\0" })[c]);
}

// src/host/gather.mjs
function policyInputs(policyText, origin, context) {
  const { text, answer } = run2(context ? { op: "inputs", policy: policyText, context } : { op: "inputs", policy: policyText });
  if (answer.type !== "inputs") throw new HostError(engine_default.errorText(text, origin) ?? answer.message ?? answer.type);
  return answer;
}
async function gather(loaded2, opts) {
  const { info } = loaded2;
  for (const name of opts.args.keys()) {
    if (!info.args.includes(name)) {
      const known = info.args.length === 0 ? "it takes none" : `it takes: ${info.args.join(", ")}`;
      throw new HostError(`--arg \`${name}\`: policy \`${info.name}\` has no such argument (${known})`);
    }
  }
  const inputs = policyInputs(loaded2.text, loaded2.origin);
  const ctx = { env: {}, args: Object.fromEntries(opts.args), git: {}, files: {}, commands: {}, loaded: {}, failed: { git: {}, files: {} } };
  for (const name of inputs.env) {
    if (process.env[name] !== void 0) ctx.env[name] = process.env[name];
  }
  const hung = (e) => {
    if (e instanceof GitHung) throw new HostError(e.message);
    throw e;
  };
  let checkout;
  if (inputs.git.length > 0 || inputs.files.length > 0 && opts.root === void 0) {
    checkout = await Checkout.probe(opts.repo, opts.gitTimeout).catch(hung);
  }
  if (inputs.git.length > 0 && checkout) {
    const facts = await checkout.facts(inputs.git, engine_default.tagsMatching).catch(hung);
    inputs.git.forEach((key, i) => {
      const f = facts[i];
      if (f.known !== void 0) ctx.git[key] = f.known;
      else if (f.failed !== void 0) ctx.failed.git[key] = f.failed;
    });
  }
  if (inputs.arch) ctx.arch = opts.arch ?? machineArch();
  const root = opts.root ?? checkout?.topLevel() ?? opts.repo;
  for (const file of inputs.files) {
    const got = readInRepo(opts.repo, root, file);
    if (got === null) continue;
    if (got.text !== void 0) ctx.files[file] = got.text;
    else ctx.failed.files[file] = got.why;
  }
  if (opts.load !== void 0) {
    for (const [value, file] of info.persisted) {
      const path = join(opts.load, file);
      const got = readText(path);
      if (got !== null && got.why !== void 0) {
        throw new HostError(`--load: ${path}: ${got.why}; imprint will not take the fallback for a file it could not read`);
      }
      ctx.loaded[value] = got === null ? null : got.text;
    }
  }
  for (let i = 0; inputs.commands.length > 0 && i <= inputs.commands.length; i++) {
    const pending = policyInputs(loaded2.text, loaded2.origin, ctx).pending_commands;
    if (pending.length === 0) break;
    for (const argv of pending) ctx.commands[engine_default.commandKey(argv)] = await runCommand(argv, { repo: opts.repo, allowCommands: opts.allowCommands, timeoutS: opts.commandTimeout });
  }
  if (Object.keys(ctx.failed.git).length === 0 && Object.keys(ctx.failed.files).length === 0) delete ctx.failed;
  return ctx;
}

// src/cmd/common.mjs
function ask(request, origin) {
  const { text, answer } = run2(request);
  if (answer.type === "derive_error" || answer.type === "policy_error") {
    throw new HostError(engine_default.errorText(text, origin));
  }
  if (answer.type === "bad_request") throw new HostError(`the engine refused the request: ${answer.message}`);
  return answer;
}
function unexpected(op) {
  return new HostError(`the engine answered a \`${op}\` request with an answer of another kind`);
}
function f64Text(n, raw) {
  if (typeof n === "number" && Number.isFinite(n)) {
    if (Number.isInteger(n)) return BigInt(n).toString();
    return String(n);
  }
  const r = String(raw ?? "").trim().toLowerCase();
  if (r.endsWith("nan")) return "NaN";
  return r.startsWith("-") ? "-inf" : "inf";
}
function rawFlag(argv, flag) {
  let v;
  argv.forEach((a, i) => {
    if (a === flag) v = argv[i + 1];
    else if (a.startsWith(`${flag}=`)) v = a.slice(flag.length + 1);
  });
  return v;
}
function options(c, argv) {
  for (const [flag, seconds] of [
    ["--command-timeout", c.command_timeout],
    ["--git-timeout", c.git_timeout]
  ]) {
    if (!(typeof seconds === "number" && Number.isFinite(seconds) && seconds > 0 && seconds <= 3600)) {
      throw new HostError(`${flag} ${f64Text(seconds, rawFlag(argv, flag))}: expected seconds between 0 and 3600`);
    }
  }
  if (!isDir(c.repo)) throw ioError(c.repo, custom("--repo is not a directory"));
  const args = /* @__PURE__ */ new Map();
  for (const a of c.args) {
    const eq = a.indexOf("=");
    if (eq < 0) throw new HostError(`--arg \`${a}\`: expected NAME=VALUE`);
    const k = a.slice(0, eq);
    if (args.has(k)) throw new HostError(`--arg \`${k}\` is given twice`);
    args.set(k, a.slice(eq + 1));
  }
  return {
    repo: c.repo,
    args,
    allowCommands: c.allow_commands,
    commandTimeout: c.command_timeout,
    gitTimeout: c.git_timeout,
    arch: c.arch ?? void 0,
    load: c.load ?? void 0,
    root: c.root ?? void 0
  };
}
async function gathered(c, argv) {
  const loaded2 = loadPolicy(c.policy.policy);
  const ctx = await gather(loaded2, options(c, argv));
  return { loaded: loaded2, ctx };
}
function firstSentence(s) {
  return s.split(": ")[0];
}

// src/cmd/check.mjs
var MAX_LISTED = 5;
function parsed(text) {
  const r = JSON.parse(text);
  if (r.error !== void 0) throw new HostError(r.error);
  return r;
}
function unexecutableGoBinaries(skipped, kind) {
  if (kind !== "auto" && kind !== "go-binary") return [];
  const found = [];
  for (const path of skipped) {
    if (found.length > MAX_LISTED) break;
    let head;
    try {
      const fd = openRegular(path);
      try {
        const b = Buffer.alloc(4);
        const n = (0, import_node_fs7.readSync)(fd, b, 0, 4, null);
        head = b.subarray(0, n);
      } finally {
        (0, import_node_fs7.closeSync)(fd);
      }
    } catch {
      continue;
    }
    if (!engine_default.isExecutableFormat(head)) continue;
    let bytes;
    try {
      bytes = readPrefix(path).bytes;
    } catch {
      continue;
    }
    if (engine_default.hasGoBuildinfo(bytes)) found.push(path);
  }
  return found;
}
function readInputs(inputs, kind) {
  const out = [];
  for (const input of inputs) {
    const before = out.length;
    let seen = {};
    const skipped = [];
    const take = (name, bytes, lenient) => {
      const r = JSON.parse(engine_default.readInput(name, bytes, kind, lenient, JSON.stringify(seen)));
      seen = r.seen;
      if (r.error !== void 0) throw new HostError(r.error);
      out.push(...r.artifacts);
    };
    let isDir2 = false;
    if (input === "-") {
      take("-", readStdin("-"), false);
    } else {
      let st;
      try {
        st = (0, import_node_fs7.statSync)(input);
      } catch (e) {
        throw ioError(input, e);
      }
      if (st.isDirectory()) {
        isDir2 = true;
        const files = [];
        walk(input, files);
        for (const file of files) {
          switch (engine_default.inputWalked(file, kind, isExecutable(file))) {
            case "structured": {
              const bytes = readFile(file);
              seen.files_read = (seen.files_read ?? 0) + 1;
              take(file, bytes, true);
              break;
            }
            case "go-version-text": {
              const bytes = readFile(file);
              seen.files_read = (seen.files_read ?? 0) + 1;
              out.push(...parsed(engine_default.readWalkedText(file, bytes)).artifacts);
              break;
            }
            case "go-binary": {
              const { bytes, whole } = readPrefix(file);
              seen.files_read = (seen.files_read ?? 0) + 1;
              if (!engine_default.isGoBinary(bytes)) break;
              if (!whole) throw ioError(file, tooLarge());
              out.push(...parsed(engine_default.readGoBinary(file, bytes)).artifacts);
              break;
            }
            default:
              skipped.push(file);
          }
        }
      } else if (!st.isFile()) {
        throw ioError(input, custom(`${notRegularMessage(st)}; to read a pipe, pass \`-\` and give it on stdin`));
      } else {
        take(input, readFile(input), false);
      }
    }
    if (out.length === before) {
      const idle = unexecutableGoBinaries(skipped, kind);
      throw new HostError(engine_default.nothingFound(input, kind, isDir2, JSON.stringify(seen), idle));
    }
  }
  return out;
}
async function checkCmd(a, argv) {
  const artifacts = readInputs(a.inputs, a.kind);
  let loaded2;
  let context = null;
  if (a.derive) {
    const g = await gathered(a.context, argv);
    loaded2 = g.loaded;
    context = g.ctx;
  } else {
    loaded2 = loadPolicy(a.context.policy.policy);
  }
  const r = ask({ op: "check", policy: loaded2.text, artifacts, context, format: a.format }, loaded2.origin);
  if (r.type !== "rendered_report") throw unexpected("check");
  writeOut(r.text);
  return r.errors > 0 ? Status.CheckFailed : Status.Ok;
}
async function describeCmd(a) {
  const loaded2 = loadPolicy(a.policy);
  let labels = {};
  let env = {};
  let fields = {};
  if (a.labels_from !== null && a.labels_from !== void 0) {
    const path = a.labels_from;
    const bytes = path === "-" ? readStdin("<stdin>") : readFile(path);
    const got = parsed(engine_default.labelsFrom(path, bytes));
    labels = got.labels;
    env = got.env;
    fields = got.fields;
  }
  const r = ask({ op: "describe", policy: loaded2.text, reference: a.reference, labels, env, fields, format: a.format }, loaded2.origin);
  if (r.type !== "rendered_card") throw unexpected("describe");
  writeOut(r.text);
  return Status.Ok;
}

// src/host/persist.mjs
var import_node_crypto = require("node:crypto");
var import_node_fs8 = require("node:fs");
var ATTEMPTS = 16;
function createTemp(target) {
  const dir = parent(target) || ".";
  const name = fileName(target) ?? "";
  for (let i = 0; i < ATTEMPTS; i++) {
    const path = `${dir}/.${name}.imprint-${(0, import_node_crypto.randomBytes)(8).toString("hex")}.tmp`;
    try {
      const fd = (0, import_node_fs8.openSync)(path, import_node_fs8.constants.O_WRONLY | import_node_fs8.constants.O_CREAT | import_node_fs8.constants.O_EXCL, 384);
      return { path, fd };
    } catch (e) {
      if (e.code !== "EEXIST") throw e;
    }
  }
  throw custom(`could not create a temporary file in ${dir} (${ATTEMPTS} names taken)`);
}
function writeAll(fd, bytes) {
  let off = 0;
  while (off < bytes.length) off += (0, import_node_fs8.writeSync)(fd, bytes, off, bytes.length - off);
}
function syncDir(target) {
  const dir = parent(target);
  if (!dir) return;
  try {
    const fd = (0, import_node_fs8.openSync)(dir, import_node_fs8.constants.O_RDONLY);
    try {
      (0, import_node_fs8.fsyncSync)(fd);
    } finally {
      (0, import_node_fs8.closeSync)(fd);
    }
  } catch {
  }
}
function discard(tmp) {
  try {
    const a = (0, import_node_fs8.fstatSync)(tmp.fd);
    const b = (0, import_node_fs8.lstatSync)(tmp.path);
    if (a.dev === b.dev && a.ino === b.ino) (0, import_node_fs8.unlinkSync)(tmp.path);
  } catch {
  }
}
function throughTemp(path, content, settle, beforeRename = () => {
}) {
  let tmp;
  try {
    tmp = createTemp(path);
  } catch (e) {
    throw ioError(path, e);
  }
  let kept = false;
  try {
    writeAll(tmp.fd, content);
    settle(tmp.fd);
    (0, import_node_fs8.fsyncSync)(tmp.fd);
    beforeRename();
    (0, import_node_fs8.renameSync)(tmp.path, path);
    kept = true;
    syncDir(path);
  } catch (e) {
    if (e instanceof HostError) throw e;
    throw ioError(path, e);
  } finally {
    if (!kept) discard(tmp);
    (0, import_node_fs8.closeSync)(tmp.fd);
  }
}
function writeAtomic(path, content, mode) {
  const bytes = typeof content === "string" ? Buffer.from(content, "utf8") : content;
  throughTemp(path, bytes, (fd) => (0, import_node_fs8.fchmodSync)(fd, mode));
}
function meta(st) {
  return [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs, st.mode & 0o7777n, st.uid, st.gid, st.nlink].join(":");
}
function readOriginal(path) {
  let fd;
  try {
    fd = (0, import_node_fs8.openSync)(path, import_node_fs8.constants.O_RDONLY);
  } catch (e) {
    throw ioError(path, e);
  }
  try {
    const st = (0, import_node_fs8.fstatSync)(fd, { bigint: true });
    const bytes = (0, import_node_fs8.readFileSync)(fd);
    return { bytes, st, meta: meta(st) };
  } catch (e) {
    throw ioError(path, e);
  } finally {
    (0, import_node_fs8.closeSync)(fd);
  }
}
function replaceable(path, original) {
  const { st } = original;
  if (st.nlink > 1n) {
    throw ioError(
      path,
      custom(
        `has ${st.nlink} hard links: replacing it would split them, so it is not rewritten (nothing was written; break the links, e.g. \`cp\` it over itself via a copy, or edit it by hand)`
      )
    );
  }
  const me = process.geteuid?.();
  if (me !== void 0 && me !== 0 && BigInt(me) !== st.uid) {
    throw ioError(
      path,
      custom(
        `is owned by uid ${st.uid}, and imprint runs as uid ${me}: the rewritten file could not keep its owner, so it is not rewritten (nothing was written; run as its owner)`
      )
    );
  }
}
function unchanged(path, original) {
  const changed = () => ioError(path, custom("changed while `imprint pin` ran (after it was read): it is not rewritten, so the change is kept; run pin again"));
  let fd;
  try {
    fd = (0, import_node_fs8.openSync)(path, import_node_fs8.constants.O_RDONLY);
  } catch {
    throw changed();
  }
  try {
    const now = (0, import_node_fs8.fstatSync)(fd, { bigint: true });
    let link;
    try {
      link = (0, import_node_fs8.lstatSync)(path, { bigint: true });
    } catch {
      throw changed();
    }
    if (meta(link) !== meta(now) || meta(now) !== original.meta) throw changed();
    if (!(0, import_node_fs8.readFileSync)(fd).equals(original.bytes)) throw changed();
  } finally {
    (0, import_node_fs8.closeSync)(fd);
  }
}
function replace(path, original, content) {
  replaceable(path, original);
  const { uid, gid, mode } = original.st;
  const settle = (fd) => {
    const now = (0, import_node_fs8.fstatSync)(fd, { bigint: true });
    if (now.uid !== uid || now.gid !== gid) {
      try {
        (0, import_node_fs8.fchownSync)(fd, Number(uid), Number(gid));
      } catch (e) {
        throw ioError(path, custom(`cannot give the rewritten file its owner and group (${uid}:${gid}): ${e.message}; it is not rewritten`));
      }
    }
    (0, import_node_fs8.fchmodSync)(fd, Number(mode & 0o7777n));
  };
  throughTemp(path, content, settle, () => unchanged(path, original));
}

// src/cmd/metadata.mjs
var import_node_fs9 = require("node:fs");
var TIMEOUT_S = 10;
function ciEnv() {
  const prefixes = ["GITHUB_", "CI_", "GITLAB_", "BUILDKITE", "DOCKER_METADATA_"];
  const out = {};
  for (const k of Object.keys(process.env).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)))) {
    if (prefixes.some((p) => k.startsWith(p))) out[k] = process.env[k];
  }
  return out;
}
function payload(env) {
  const path = env.GITHUB_EVENT_PATH;
  if (!path) return null;
  if (!(0, import_node_fs9.existsSync)(path)) {
    throw new HostError(`GITHUB_EVENT_PATH names ${path}, which does not exist: the event payload cannot be read`);
  }
  const bytes = readFile(path);
  const why = engine_default.jsonError(bytes);
  if (why !== void 0) throw new HostError(`the event payload ${path} (GITHUB_EVENT_PATH) is not JSON: ${why}`);
  return JSON.parse(bytes.toString("utf8"));
}
async function gitFacts(repo, inCi) {
  const hung = (e) => {
    if (e instanceof GitHung) throw new HostError(e.message);
    throw e;
  };
  const c = await Checkout.probe(repo, TIMEOUT_S).catch(hung);
  const keys = ["sha", "branch", "tags", "remote_url", "name", "commit_date"];
  const factKeys = ["sha", "branch", "tags", "remote_url", "name", "commit_time"];
  const found = await c.facts(factKeys).catch(hung);
  found.push(await c.defaultBranch().catch(hung));
  const out = {};
  [...keys, "default_branch"].forEach((key, i) => {
    const f = found[i];
    if (f.known !== void 0 && key === "commit_date") {
      const iso = engine_default.epochToRfc3339(f.known);
      if (iso !== void 0) out[key] = iso;
      else if (!inCi) throw new HostError(`git gave the commit time \`${f.known}\`, which is not whole seconds since 1970`);
    } else if (f.known !== void 0) {
      out[key] = f.known;
    } else if (f.failed !== void 0 && !inCi) {
      throw new HostError(`git fact \`${key}\`: ${f.failed}`);
    }
  });
  return out;
}
function buildTime() {
  const sde = process.env.SOURCE_DATE_EPOCH;
  const secs = sde !== void 0 && sde !== "" ? sde : String(Math.floor(Date.now() / 1e3));
  const iso = engine_default.epochToRfc3339(secs);
  if (iso === void 0) throw new HostError(`SOURCE_DATE_EPOCH must be whole seconds since 1970 (it is \`${secs}\`)`);
  return iso;
}
async function zoneOffset(zone, instant) {
  const bad = () => new HostError(`unknown time zone \`${zone}\` (use an IANA name such as Europe/Paris)`);
  const plain = /^[A-Za-z0-9/_+-]*$/.test(zone);
  const tzdir = process.env.TZDIR ?? "/usr/share/zoneinfo";
  let isFile = false;
  try {
    isFile = (0, import_node_fs9.statSync)(join(tzdir, zone)).isFile();
  } catch {
    isFile = false;
  }
  if (!plain || zone.includes("..") || zone.startsWith("/") || !isFile) throw bad();
  const date = findProgram("date");
  if (date === void 0) throw new HostError("`date` is not on PATH (it gives time-zone offsets)");
  const r = await runBounded(date, ["-d", instant, "+%z"], {
    cwd: ".",
    env: { ...process.env, TZ: zone },
    timeoutMs: TIMEOUT_S * 1e3,
    keepStderr: true
  });
  if (r.done && r.done.code === 0) {
    const s = r.done.stdout.toString("utf8").trim();
    const sign = s.slice(0, 1);
    const digits = s.slice(1);
    if (!/^[+-]?[0-9]+$/.test(digits)) throw bad();
    const n = Number(digits);
    const minutes = Math.trunc(n / 100) * 60 + n % 100;
    return sign === "-" ? -minutes : minutes;
  }
  throw new HostError(`\`date\` could not give the offset of ${zone} at ${instant}`);
}
function cliInputs(a) {
  const m = {};
  for (const k of ["images", "tags", "flavor", "labels", "annotations"]) {
    if (a[k] !== null && a[k] !== void 0) m[k] = a[k];
  }
  return Object.keys(m).length > 0 ? m : void 0;
}
async function metadataCmd(a) {
  const inputs = cliInputs(a);
  const hasPolicy = a.policy !== null && a.policy !== void 0;
  let source;
  if (hasPolicy && inputs === void 0) source = { policy: loadPolicy(a.policy) };
  else if (!hasPolicy && inputs !== void 0) source = { inputs };
  else if (hasPolicy) throw new HostError("give --policy or metadata-action's inputs (--tags, --images \u2026), not both");
  else throw new HostError("give --policy (a policy with `metadata_action`) or metadata-action's inputs (--tags, --images \u2026)");
  writeOut(await metadataText(source, a.repo, a.format));
  return Status.Ok;
}
async function metadataText(source, repo, format) {
  const env = ciEnv();
  const inCi = ["GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE"].some((k) => env[k] === "true");
  const ci = { payload: payload(env), git: await gitFacts(repo, inCi), env };
  const knobs = Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("DOCKER_METADATA_")));
  const now = buildTime();
  const req = { op: "metadata", ci, env: knobs, now, format };
  let origin;
  if (source.policy) {
    req.policy = source.policy.text;
    origin = source.policy.origin;
  } else {
    req.inputs = source.inputs;
    origin = "the command line";
  }
  const zones = {};
  for (let i = 0; i < 3; i++) {
    const r = ask(req, origin);
    if (r.type === "rendered_metadata") {
      for (const w of r.warnings) warn(w);
      return r.text;
    }
    if (r.type === "metadata_error" && (r.missing_offsets ?? []).length > 0) {
      for (const need of r.missing_offsets) {
        const offset = await zoneOffset(need.zone, need.at);
        if (!(need.zone in zones)) zones[need.zone] = { now: await zoneOffset(need.zone, now) };
        zones[need.zone][need.of] = offset;
      }
      req.zones = zones;
      continue;
    }
    if (r.type === "metadata_error") throw new HostError(r.message);
    throw unexpected("metadata");
  }
  throw new HostError("the engine kept asking for time-zone offsets");
}

// src/cmd/derive.mjs
async function deriveLoaded(loaded2, c, argv) {
  const ctx = await gather(loaded2, options(c, argv));
  const a = ask({ op: "derive", policy: loaded2.text, context: ctx }, loaded2.origin);
  if (a.type !== "derivation") throw unexpected("derive");
  return a;
}
async function deriveCmd(a, argv) {
  const loaded2 = loadPolicy(a.context.policy.policy);
  const ctx = await gather(loaded2, options(a.context, argv));
  const answer = ask({ op: "derive", policy: loaded2.text, context: ctx, format: a.format }, loaded2.origin);
  if (answer.type !== "rendered") throw unexpected("derive");
  let { text } = answer;
  if (a.save !== null && a.save !== void 0) {
    if (!isDir(a.save)) throw ioError(a.save, custom("--save directory does not exist"));
    for (const p of answer.persist) writeAtomic(join(a.save, p.file), p.content, 384);
  }
  if ((a.format === "shell" || a.format === "shell-quoted") && process.stdout.isTTY) text += "\n";
  writeOut(text);
  return Status.Ok;
}
async function explainCmd(c, argv) {
  const { loaded: loaded2, ctx } = await gathered(c, argv);
  const a = ask({ op: "explain", policy: loaded2.text, context: ctx }, loaded2.origin);
  if (a.type !== "explanation") throw unexpected("explain");
  let { text } = a;
  if (loaded2.info.metadata_action) {
    const tags = await metadataText({ policy: loaded2 }, c.repo, "explain");
    text += "\nmetadata_action (docker/metadata-action's tag rules, in the order they ran):\n";
    text += tags;
  }
  writeOut(text);
  return Status.Ok;
}

// src/cmd/misc.mjs
function validateCmd(v) {
  let status = Status.Ok;
  for (const spec of [...v.policy === null || v.policy === void 0 ? [] : [v.policy], ...v.files]) {
    try {
      const loaded2 = loadPolicy(spec);
      const a = ask({ op: "validate", policy: loaded2.text }, loaded2.origin);
      if (a.type !== "policy") throw unexpected("validate");
      writeOut(`policy \`${a.name}\` is valid
`);
    } catch (e) {
      if (!(e instanceof HostError)) throw e;
      error(e.message);
      status = Status.Error;
    }
  }
  return status;
}
function policiesCmd(name) {
  if (name === null || name === void 0) {
    let s = "";
    for (const n of engine_default.builtinNames()) {
      const info = JSON.parse(engine_default.policyInfo(engine_default.policyText(n), n));
      const desc = info.policy?.description ?? "";
      s += `${n.padEnd(12)} ${firstSentence(desc)}
`;
    }
    writeOut(s);
    return Status.Ok;
  }
  const text = engine_default.policyText(name);
  if (text === void 0) throw unknownBuiltin(name);
  writeOut(text);
  return Status.Ok;
}
function importCmd(a) {
  if (a.from !== "metadata-action") {
    throw new HostError(`imprint import reads \`metadata-action\` (docker/metadata-action steps), not \`${a.from}\``);
  }
  const set = {};
  for (const s of a.set) {
    const eq = s.indexOf("=");
    if (eq < 0) throw new HostError(`--set \`${s}\`: expected EXPR=VALUE, such as env.REGISTRY=ghcr.io`);
    set[s.slice(0, eq).trim()] = s.slice(eq + 1);
  }
  let bytes;
  if (a.workflow === "-") {
    try {
      bytes = readUpTo(0, INPUT_LIMIT);
    } catch (e) {
      throw ioError("-", e);
    }
  } else {
    bytes = readFile(a.workflow);
  }
  const text = utf8(bytes);
  if (text === void 0) throw new HostError(`${a.workflow}: not UTF-8 text`);
  const req = { op: "import_metadata_action", text, file: a.workflow, set };
  if (a.step !== null && a.step !== void 0) req.step = a.step;
  const r = ask(req, a.workflow);
  if (r.type === "imported") {
    writeOut(r.policy);
    return Status.Ok;
  }
  if (r.type === "import_error") throw new HostError(r.message);
  throw unexpected("import_metadata_action");
}

// src/cmd/pin.mjs
function yamlFiles(dir, exts, out) {
  for (const e of sortedEntries(dir)) {
    const path = join(dir, e.name);
    if (e.isDirectory()) yamlFiles(path, exts, out);
    else if (e.isFile() && engine_default.pinFileMatches(e.name, exts)) out.push(path);
  }
}
async function pinCmd(a, argv) {
  const loaded2 = loadPolicy(a.context.policy.policy);
  const spec = loaded2.info.pin;
  if (!spec) throw new HostError(`--policy \`${loaded2.info.name}\`: the policy declares no \`pin\` section`);
  let tag;
  if (a.tag !== null && a.tag !== void 0) {
    if (!engine_default.isValidTag(a.tag)) throw new HostError(`--tag \`${engine_default.escapeDebug(a.tag)}\` is not a valid OCI tag`);
    tag = a.tag;
  } else {
    const d = await deriveLoaded(loaded2, a.context, argv);
    const name = loaded2.info.pin_tag_value ?? "";
    const v = d.values?.[name];
    tag = typeof v === "string" ? v : "";
    if (!engine_default.isValidTag(tag)) {
      throw new HostError(`value \`${name}\` = \`${engine_default.escapeDebug(tag)}\` is not a valid OCI tag to pin to`);
    }
  }
  if (tag === "latest") warn("pinning to the shared tag `latest` (no usable git checkout?)");
  const l = lstat(a.dir);
  if (l.err) throw ioError(a.dir, l.err);
  const files = [];
  yamlFiles(a.dir, spec.extensions, files);
  let report = "";
  let needed = 0;
  const writes = [];
  for (const path of files) {
    const original = readOriginal(path);
    const r = engine_default.rewritePins(original.bytes, spec.images, tag, spec.also_tags);
    const changes = JSON.parse(r.changes);
    if (changes.length === 0) continue;
    needed += changes.length;
    for (const c of changes) report += `${path}:${c.line}: ${c.from} -> ${c.to}
`;
    writes.push([path, original, r.bytes]);
  }
  if (!a.check) {
    for (const [path, original] of writes) replaceable(path, original);
    for (const [path, original, bytes] of writes) replace(path, original, bytes);
  }
  writeOut(report);
  return a.check && needed > 0 ? Status.CheckFailed : Status.Ok;
}

// src/main.mjs
var import_node_fs10 = require("node:fs");
function width() {
  const cols = Number(process.env.COLUMNS);
  if (Number.isInteger(cols) && cols > 0) return Math.min(cols, 100);
  return process.stdout.isTTY && process.stdout.columns ? Math.min(process.stdout.columns, 100) : void 0;
}
function ansi(stream) {
  if (process.env.CLICOLOR_FORCE && process.env.CLICOLOR_FORCE !== "0") return true;
  if (process.env.NO_COLOR || process.env.TERM === "dumb") return false;
  return Boolean(stream.isTTY);
}
function write(fd, text) {
  try {
    (0, import_node_fs10.writeSync)(fd, text);
    return true;
  } catch {
    return false;
  }
}
async function dispatch(c, argv) {
  switch (c.command) {
    case "derive":
      return deriveCmd(c, argv);
    case "explain":
      return explainCmd(c, argv);
    case "pin":
      return pinCmd(c, argv);
    case "check":
      return checkCmd(c, argv);
    case "describe":
      return describeCmd(c);
    case "metadata":
      return metadataCmd(c);
    case "import":
      return importCmd(c);
    case "validate":
      return validateCmd(c);
    case "policies":
      return policiesCmd(c.name);
    default:
      throw new HostError(`unknown command ${c.command}`);
  }
}
async function main() {
  showPathsWith(engine_default.visible);
  const argv = ["imprint", ...process.argv.slice(2)];
  const parsed2 = JSON.parse(engine_default.cliParse(argv, width(), ansi(process.stderr)));
  if (parsed2.exit) {
    const { code, stdout, stderr } = parsed2.exit;
    const printed = write(1, stdout) && write(2, stderr);
    return code === 0 && !printed ? Status.Error : code;
  }
  try {
    return await dispatch(parsed2.run.command, argv);
  } catch (e) {
    if (e instanceof HostError) {
      error(e.message);
      return Status.Error;
    }
    error(`internal error: ${e?.stack ?? e}`);
    return Status.Error;
  }
}
main().then((code) => {
  process.exitCode = code;
});
