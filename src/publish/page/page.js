(function () {
  'use strict';
  var audio = document.getElementById('player'), bar = document.getElementById('bar');
  var now = document.getElementById('now');
  var cues = Array.prototype.slice.call(document.querySelectorAll('a.cue[data-start]'));
  var chapters = Array.prototype.slice.call(document.querySelectorAll('a.chapter[data-start]'));
  var starts = cues.map(function (c) { return parseFloat(c.dataset.start); });
  var ends = cues.map(function (c) { return parseFloat(c.dataset.end); });
  var chStarts = chapters.map(function (c) { return parseFloat(c.dataset.start); });
  var cueChapter = cues.map(function (c) {
    var s = c.closest('[data-chapter]');
    return s ? parseInt(s.dataset.chapter, 10) : -1;
  });
  var EPS = 0.0005; /* times are whole milliseconds */
  var cur = -1, curChapter = -1, handScrolled = 0, frame = 0;
  var motion = window.matchMedia('(prefers-reduced-motion: reduce)');

  /* index of the last element of the sorted array a that is <= t, or -1 */
  function lastAtOrBefore(a, t) {
    var lo = 0, hi = a.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (a[mid] <= t) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }

  /* the cue with start <= t < end; in a pause the last one started, unless a chapter
     started after it; none before the first cue */
  function cueAt(t) {
    var i = lastAtOrBefore(starts, t);
    if (i < 0 || t < ends[i]) return i;
    return lastAtOrBefore(chStarts, t) === cueChapter[i] ? i : -1;
  }

  function visible(el) {
    var r = el.getBoundingClientRect(), top = bar.getBoundingClientRect().bottom;
    return r.top >= top + 4 && r.bottom <= window.innerHeight - 4;
  }

  function reveal(el, block) {
    if (visible(el)) return;
    el.scrollIntoView({block: block, behavior: motion.matches ? 'auto' : 'smooth'});
  }

  /* roving tabindex: the transcript is one Tab stop, the cue that has it (the current
     one, or the one the arrow keys moved to) */
  var stop = cues.length ? 0 : -1;
  function setStop(i) {
    if (i < 0 || i === stop) return;
    if (stop >= 0) cues[stop].tabIndex = -1;
    stop = i;
    cues[i].tabIndex = 0;
  }
  function inTranscript() {
    var a = document.activeElement;
    return a && a.classList && a.classList.contains('cue');
  }

  function setCue(i) {
    if (i === cur) return;
    if (cur >= 0) {
      cues[cur].classList.remove('current');
      cues[cur].removeAttribute('aria-current');
    }
    cur = i;
    if (i < 0) return;
    cues[i].classList.add('current');
    cues[i].setAttribute('aria-current', 'true');
    if (!inTranscript()) setStop(i);
    if (Date.now() - handScrolled > 4000) reveal(cues[i], 'center');
  }

  function setChapter(k) {
    if (k === curChapter) return;
    if (curChapter >= 0) {
      chapters[curChapter].classList.remove('active');
      chapters[curChapter].removeAttribute('aria-current');
    }
    curChapter = k;
    if (k >= 0) {
      chapters[k].classList.add('active');
      chapters[k].setAttribute('aria-current', 'true');
    }
    now.textContent = k >= 0 ? chapters[k].querySelector('.title').textContent : '';
  }

  function update() {
    var t = audio.currentTime + EPS;
    setChapter(lastAtOrBefore(chStarts, t));
    setCue(cueAt(t));
  }

  function tick() {
    update();
    frame = audio.paused || audio.ended ? 0 : window.requestAnimationFrame(tick);
  }

  function seek(t) {
    var d = audio.duration;
    handScrolled = 0;
    audio.currentTime = Math.max(0, isFinite(d) ? Math.min(t, d) : t);
    update();
  }

  ['timeupdate', 'seeking', 'seeked', 'loadedmetadata'].forEach(function (type) {
    audio.addEventListener(type, update);
  });
  audio.addEventListener('play', function () {
    if (!frame) frame = window.requestAnimationFrame(tick);
  });
  ['wheel', 'touchmove'].forEach(function (type) {
    window.addEventListener(type, function () { handScrolled = Date.now(); }, {passive: true});
  });

  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a.cue[data-start], a.chapter[data-start]');
    if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    if (a.classList.contains('cue')) setStop(cues.indexOf(a));
    seek(parseFloat(a.dataset.start));
    var target = a.classList.contains('chapter') && document.getElementById(a.hash.slice(1));
    if (target) reveal(target.querySelector('h3') || target, 'start');
  });

  document.addEventListener('keydown', function (e) {
    var el = e.target, tag = el && el.tagName;
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    if (el && el.isContentEditable) return;
    if (/^(INPUT|TEXTAREA|SELECT|AUDIO|VIDEO)$/.test(tag)) return;
    if (inTranscript() && /^(ArrowUp|ArrowDown|Home|End)$/.test(e.key)) {
      /* move through the transcript sentence by sentence */
      var k = cues.indexOf(el);
      var to = e.key === 'ArrowUp' ? k - 1 : e.key === 'ArrowDown' ? k + 1 : e.key === 'Home' ? 0 : cues.length - 1;
      e.preventDefault();
      if (to < 0 || to >= cues.length) return;
      setStop(to);
      cues[to].focus();
      return;
    }
    if (e.key === ' ' || e.key === 'Spacebar') {
      if (tag === 'BUTTON' || tag === 'SUMMARY') return;
      e.preventDefault();
      if (audio.paused) {
        var p = audio.play();
        if (p && p.catch) p.catch(function () {});
      } else {
        audio.pause();
      }
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      e.preventDefault();
      seek(audio.currentTime + (e.key === 'ArrowRight' ? 5 : -5));
    } else if (/^(PageUp|PageDown|Home|End|ArrowUp|ArrowDown)$/.test(e.key)) {
      handScrolled = Date.now();
    }
  });

  function barHeight() {
    document.documentElement.style.setProperty('--bar-h', bar.offsetHeight + 'px');
  }
  window.addEventListener('resize', barHeight);
  barHeight();

  var id = location.hash ? decodeURIComponent(location.hash.slice(1)) : '';
  var linked = id && document.getElementById(id);
  if (linked && linked.classList.contains('cue')) seek(parseFloat(linked.dataset.start));
  else update();
})();
